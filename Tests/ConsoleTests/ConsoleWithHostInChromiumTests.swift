import Foundation
import OKXTestServer
import RuntimeHost
import TestSupport
import TradingCore
import Testing

/// The console as a running host serves it (`runtime run --paper --web`), each role in turn: the
/// host trades the shipped market maker against the local OKX server replaying recorded BTC-USDT
/// frames; a trader sees it, presses Pause, sees the new state arrive without a reload and the host
/// apply it, sees the equity of the host's own fills and acknowledges a risk event; a viewer is refused resuming it (audited);
/// a risk officer is refused the audit log and halts everything with the kill switch; an admin
/// reads the users and the audit rows of all of it. Then SIGTERM stops the host cleanly.
@Suite(.watchdog) struct ConsoleWithHostInChromiumTests {
    struct HostExited: Error, CustomStringConvertible {
        var description: String
    }

    @Test func eachRoleActsOnTheStrategyARunningHostTrades() async throws {
        try await ConsoleFixture.with { fixture in
            let root = ConsoleInChromiumTests.packageRoot
            let phase = Phase("starting the OKX server")
            let server = try await OKXTestServer.start(script: OKXTestScript(
                frames: try OKXTestScript.restampedBTCUSDTFixtureFrames(packageRoot: root), interval: .milliseconds(100)))
            defer { Task { try? await server.shutdown() } }
            let runtime = (PluginLoader.executableDirectory() ?? FileManager.default.currentDirectoryPath) + "/runtime"
            // The fixture has users, so the database login the CLI runs as (`runtime`) needs one of its own.
            try await ConsoleFixture.addUser("runtime", role: .admin, client: fixture.client)
            let environment = ["DATABASE_URL": fixture.database.target.url(), "OKX_WS_PUBLIC_URL": server.publicURL,
                               "OKX_WS_BUSINESS_URL": server.businessURL]

            phase.enter("deploying the market maker")
            // As shipped, but on the books5 channel the recording has for BTC-USDT.
            let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("console-host-\(getpid())-market_maker.yaml")
            defer { try? FileManager.default.removeItem(at: manifest) }
            try String(contentsOf: root.appendingPathComponent("strategies/market_maker.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "  - books\n", with: "  - books5\n").write(to: manifest, atomically: true, encoding: .utf8)
            let deploy = try await ChildProcess.run(runtime, ["deploy", manifest.path], environment: environment, directory: root)
            #expect(deploy.status == 0, "deploy failed: \(deploy.output)")

            phase.enter("starting the host with its console")
            let host = try ChildProcess(runtime, ["run", "--paper", "--strategies", "market_maker", "--web", "127.0.0.1:0"],
                                        environment: environment, directory: root)
            let outcome: Result<Void, any Error>
            do {
                let address = try await Wait.until("the host's console address", within: .minutes(3)) {
                    guard host.isRunning else { throw HostExited(description: "the host exited: \(host.output.suffix(3_000))") }
                    return host.standardError.range(of: #"console at http://[0-9.]+:[0-9]+"#, options: .regularExpression)
                        .map { String(host.standardError[$0].dropFirst("console at ".count)) } ?? ""
                } satisfies: { !$0.isEmpty }
                phase.enter("waiting for the host's first fill")
                try await Wait.until("the market maker's first paper fill", within: .minutes(5), {
                    try await fixture.count("""
                        SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id
                        WHERE s.name = 'market_maker' AND t.mode = 'paper' AND t.filled_quantity > 0
                        """)
                }, satisfies: { $0 > 0 })
                try await ConsoleInChromiumTests.withPage(phase: phase) { page in
                    try await Self.pause(on: page, base: address, host: host, phase: phase)
                    try await Self.eachRole(on: page, base: address, host: host, fixture: fixture, phase: phase)
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            phase.enter("stopping the host")
            host.signal(SIGTERM)
            let status = try await host.waitForExit()
            try outcome.get()
            #expect(status == 0, "host log:\n\(host.output.suffix(3_000))")
            #expect(try await fixture.count("SELECT count(*) FROM strategies WHERE name = 'market_maker' AND status = 'halted'") == 1)
        }
    }

    /// Tina's steps: log in, find the strategy the host trades, pause it, see it paused on the same
    /// page and applied by the host, then open its page with the equity of its fills.
    static func pause(on page: DevToolsClient, base: String, host: ChildProcess, phase: Phase) async throws {
        phase.enter("logging in")
        try await ConsoleInChromiumTests.logIn(page, base: base, as: "tina")
        try await ConsoleInChromiumTests.pauseOnTheOverview(page, strategy: "market_maker", phase: phase)
        try await Wait.until("the host to apply the pause", within: .minutes(2)) { host.output.contains("operator changed a strategy") }

        phase.enter("opening the strategy page")
        try await click(#"tr[data-strategy="market_maker"] a"#, on: page)
        try await Wait.until("the strategy page's equity and drawdown charts", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + document.querySelectorAll('svg path.series').length")
        } satisfies: { $0 == "/strategies/market_maker 2" }

        phase.enter("acknowledging a risk event")
        try await page.call("Page.navigate", ["url": base + "/risk"])
        try await click("tr[data-event] button", on: page)
        try await Wait.until("the risk event acknowledged by tina", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + String((document.getElementById('flash') || {}).textContent)")
        } satisfies: { $0.hasPrefix("/risk risk event ") && $0.hasSuffix("acknowledged by tina") }
    }

    /// Clicks `selector` once it is on the page: a probe may run while the previous page still loads.
    static func click(_ selector: String, on page: DevToolsClient) async throws {
        try await Wait.until("\(selector) to click", within: .minutes(2)) {
            try await page.evaluate("(element => element ? (element.click(), 'clicked') : 'missing')(document.querySelector('\(selector)'))")
        } satisfies: { $0 == "clicked" }
    }

    /// After the trader, each other role on the same running host: the viewer is refused resuming
    /// (and the refusal is audited), the risk officer may not read the audit log but halts every
    /// strategy with the kill switch (the host applies it), and the admin reads the users and the
    /// audit rows of all of it.
    static func eachRole(on page: DevToolsClient, base: String, host: ChildProcess, fixture: ConsoleFixture, phase: Phase) async throws {
        let row = #"tr[data-strategy="market_maker"]"#
        func click(_ selector: String) async throws { try await Self.click(selector, on: page) }
        func switchUser(to user: String) async throws {
            phase.enter("logging in as \(user)")
            try await click(#"form[action="/logout"] button"#)
            try await Wait.until("the login page after logging out", within: .minutes(2)) {
                try await page.evaluate("location.pathname + ' ' + document.readyState")
            } satisfies: { $0 == "/login complete" }
            try await ConsoleInChromiumTests.logIn(page, base: base, as: user)
            try await Wait.until("\(user)'s overview", within: .minutes(2)) {
                try await page.evaluate("location.pathname + ' ' + String((document.querySelector('.who') || {}).textContent).trim()")
            } satisfies: { $0.hasPrefix("/ \(user)") }
        }

        try await switchUser(to: "vera")
        try await click(#"\#(row) button[value="resume"]"#)
        let refusal = try await Wait.until("the viewer's refusal in the flash", within: .minutes(2)) {
            try await page.evaluate("String((document.getElementById('flash') || {}).textContent)")
        } satisfies: { $0.hasPrefix("refused:") }
        #expect(refusal.contains("user 'vera' has role viewer"), "\(refusal)")
        #expect(try await fixture.audit("strategy.resume").map { "\($0.user ?? "?") \($0.success)" } == ["vera false"])

        try await switchUser(to: "rita")
        try await page.call("Page.navigate", ["url": base + "/audit"])
        let refused = try await Wait.until("the audit page refused to the risk officer", within: .minutes(2)) {
            try await page.evaluate("document.readyState + ' ' + String((document.body || {}).innerText)")
        } satisfies: { $0.hasPrefix("complete ") && $0.contains("Refused") }
        #expect(refused.contains("risk_officer"), "\(refused.prefix(600))")
        try await page.call("Page.navigate", ["url": base + "/"])
        try await Wait.until("the overview's kill switch", within: .minutes(2)) {
            try await page.evaluate(#"document.readyState + ' ' + !!document.querySelector('form[action="/halt-all"] button')"#)
        } satisfies: { $0 == "complete true" }
        _ = try await page.evaluate("window.confirm = () => true; 'confirmed'")
        try await click(#"form[action="/halt-all"] button"#)
        try await Wait.until("the host's strategy halted", within: .minutes(2)) {
            try await fixture.count("SELECT count(*) FROM strategies WHERE name = 'market_maker' AND status = 'halted'")
        } satisfies: { $0 == 1 }

        try await switchUser(to: "admin")
        try await page.call("Page.navigate", ["url": base + "/audit"])
        let audit = try await Wait.until("the users and the audit log", within: .minutes(2)) {
            try await page.evaluate("document.readyState + ' ' + document.querySelectorAll('#users tbody tr').length + ' ' + String((document.querySelector('#audit') || {}).innerText)")
        } satisfies: { $0.hasPrefix("complete ") && $0.contains("strategy.halt") }
        #expect(audit.contains("strategy.resume") && audit.contains("vera"), "\(audit.prefix(1_500))")
        #expect(Int(audit.split(separator: " ")[1]) ?? 0 >= 5, "the fixture's four users and the CLI's: \(audit.prefix(200))")
    }
}
