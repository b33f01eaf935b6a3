import Foundation
import OKXTestServer
import RuntimeHost
import TestSupport
import TradingCore
import Testing

/// The console as a running host serves it (`runtime run --paper --web`): the host trades the
/// shipped market maker against the local OKX server replaying recorded BTC-USDT frames; a trader
/// logs in, sees the strategy the host is trading, presses Pause and sees the new state arrive
/// without a reload, the host applies the pause, and the strategy page draws the equity of the
/// host's own fills. Then SIGTERM stops the host cleanly.
@Suite(.watchdog) struct ConsoleWithHostInChromiumTests {
    struct HostExited: Error, CustomStringConvertible {
        var description: String
    }

    @Test func aTraderPausesTheStrategyARunningHostTrades() async throws {
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
            #expect(try await fixture.count("SELECT count(*) FROM strategies WHERE name = 'market_maker' AND status = 'paused'") == 1)
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
        _ = try await page.evaluate(#"document.querySelector('tr[data-strategy="market_maker"] a').click(); 'clicked'"#)
        try await Wait.until("the strategy page's equity and drawdown charts", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + document.querySelectorAll('svg path.series').length")
        } satisfies: { $0 == "/strategies/market_maker 2" }
    }
}
