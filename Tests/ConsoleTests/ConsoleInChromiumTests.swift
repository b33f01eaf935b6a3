import Foundation
import NIOPosix
import TestSupport
import Testing

/// The console as a person uses it, in headless Chromium: log in as a trader, see the
/// strategy, press Pause and see its state change arrive over the live stream without a page
/// reload, see a drawn equity chart, acknowledge a risk event, fit a phone's width; then log in
/// as a viewer and be refused resuming it. Every probe reads the page as it may be mid-navigation
/// (an element may not be there yet) and is retried until its deadline. The overview's screenshots are kept
/// in .build/console-overview.png and .build/console-overview-phone.png for people to look at.
@Suite(.watchdog) struct ConsoleInChromiumTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Debian's chromium; installed as setup.sh does when missing and this user is root, else the test is cancelled with why.
    static func chromium() async throws -> String {
        let paths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        if let path = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return path }
        guard getuid() == 0 else {
            try Test.cancel("chromium is not installed and only root can install it: run scripts/setup.sh as root (apt-get install chromium)")
        }
        let install = try await ChildProcess.run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"],
                                                 environment: ["DEBIAN_FRONTEND": "noninteractive"], within: .minutes(15))
        guard let path = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            try Test.cancel("chromium could not be installed (status \(install.status)): \(install.output.suffix(500))")
        }
        return path
    }

    /// Headless Chromium on a throwaway profile under .build, its page at a laptop's size handed to
    /// `body`; afterwards the browser is killed and its profile removed.
    static func withPage(phase: Phase, _ body: (DevToolsClient) async throws -> Void) async throws {
        let chromium = try await Self.chromium()
        let build = Self.packageRoot.appendingPathComponent(".build")
        let folder = build.appendingPathComponent("console-chromium-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        phase.enter("starting chromium")
        let process = try ChildProcess(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.path)",
                                                  "--remote-debugging-port=0", "--no-first-run", "--disable-extensions",
                                                  "--hide-scrollbars", "--window-size=1280,900", "about:blank"])
        let outcome: Result<Void, any Error>
        do {
            let activePort = folder.appendingPathComponent("DevToolsActivePort")
            let lines = try await Wait.until("chromium writes DevToolsActivePort", within: .minutes(3)) {
                guard process.isRunning else { throw DevToolsClient.Failure(description: "chromium exited: \(process.output.suffix(800))") }
                return ((try? String(contentsOf: activePort, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            } satisfies: { $0.count >= 2 }
            let page = try await DevToolsClient.open(browserURL: "ws://127.0.0.1:\(lines[0])\(lines[1])", group: MultiThreadedEventLoopGroup.singleton)
            defer { page.close() }
            try await page.call("Emulation.setDeviceMetricsOverride", ["width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false])
            try await body(page)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        // Chromium goes, and only then its profile (it writes there until it has exited).
        process.signal(SIGKILL)
        _ = try? await process.waitForExit(within: .minutes(1))
        try? FileManager.default.removeItem(at: folder)
        try outcome.get()
    }

    /// Logs `user` in through the login form at `base` (the fixture's password).
    static func logIn(_ page: DevToolsClient, base: String, as user: String) async throws {
        try await page.call("Page.navigate", ["url": base + "/login"])
        try await Wait.until("the login form", within: .minutes(2)) {
            try await page.evaluate("document.readyState + ' ' + location.pathname + ' ' + !!document.querySelector('#password')")
        } satisfies: { $0 == "complete /login true" }
        _ = try await page.evaluate("""
            document.querySelector('#username').value = '\(user)';
            document.querySelector('#password').value = '\(ConsoleFixture.password)';
            document.querySelector('form.login').submit(); 'sent'
            """)
    }

    /// On the overview: waits for `strategy` paper trading and the live stream's first update,
    /// presses its Pause button and waits for the paused state to arrive on the same page.
    static func pauseOnTheOverview(_ page: DevToolsClient, strategy: String, phase: Phase) async throws {
        let row = "tr[data-strategy=\"\(strategy)\"]"
        try await Wait.until("the overview with \(strategy)", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + (document.querySelector('\(row) .state') || {}).textContent")
        } satisfies: { $0 == "/ paper_trading" }
        try await Wait.until("the live stream's first update", within: .minutes(2)) {
            try await page.evaluate("document.body.getAttribute('data-live-updates') || '0'")
        } satisfies: { (Int($0) ?? 0) >= 1 }
        phase.enter("pausing \(strategy)")
        _ = try await page.evaluate("window.consoleMarker = 'same page'; document.querySelector('\(row) button[value=\"pause\"]').click(); 'clicked'")
        try await Wait.until("the paused state, pushed to the same page", within: .minutes(2)) {
            try await page.evaluate("(window.consoleMarker || 'reloaded') + ' ' + (document.querySelector('\(row) .state') || {}).textContent")
        } satisfies: { $0 == "same page paused" }
    }

    @Test func aTraderPausesAStrategyAndSeesTheChangeArriveWithoutAReload() async throws {
        try await ConsoleFixture.with { fixture in
            try await fixture.serve { browser in
                guard let port = browser.client.port else { throw DevToolsClient.Failure(description: "the test server has no port") }
                let phase = Phase("starting")
                try await Self.withPage(phase: phase) { page in
                    try await Self.use(page, base: "http://127.0.0.1:\(port)", fixture: fixture, phase: phase)
                }
            }
        }
    }

    /// The user's steps on `page`, against the fixture's console at `base`.
    static func use(_ page: DevToolsClient, base: String, fixture: ConsoleFixture, phase: Phase) async throws {
        let build = Self.packageRoot.appendingPathComponent(".build")
        phase.enter("logging in")
        try await logIn(page, base: base, as: "tina")
        try await pauseOnTheOverview(page, strategy: "trend", phase: phase)
        #expect(try await fixture.status() == "paused")
        #expect(try await page.evaluate("document.getElementById('flash').textContent") == "trend: paper_trading -> paused (by tina)")
        #expect(try await page.evaluate("String(!!document.querySelector('tr[data-strategy=\"trend\"] button[value=\"resume\"]'))") == "true")

        phase.enter("taking the overview's screenshot")
        let shot = try await page.call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], within: .minutes(2))
        let png = Data(base64Encoded: shot["data"] as? String ?? "") ?? Data()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "screenshot of \(png.count) bytes")
        try png.write(to: build.appendingPathComponent("console-overview.png"))

        phase.enter("the overview at a phone's width")
        try await page.call("Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true])
        let phoneWidth = try await Wait.until("the page laid out at 390 px", within: .minutes(1)) {
            try await page.evaluate("String(document.documentElement.clientWidth) + ' ' + String(document.documentElement.scrollWidth)")
        } satisfies: { $0.hasPrefix("390 ") }
        #expect(phoneWidth == "390 390", "nothing but the tables' own scrollers is wider than the phone: \(phoneWidth)")
        let phone = try await page.call("Page.captureScreenshot", ["format": "png"], within: .minutes(2))
        try (Data(base64Encoded: phone["data"] as? String ?? "") ?? Data()).write(to: build.appendingPathComponent("console-overview-phone.png"))
        try await page.call("Emulation.setDeviceMetricsOverride", ["width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false])

        phase.enter("opening the strategy page")
        _ = try await page.evaluate("document.querySelector('tr[data-strategy=\"trend\"] a').click(); 'clicked'")
        let series = try await Wait.until("the strategy page's charts", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + document.querySelectorAll('svg path.series').length")
        } satisfies: { $0 == "/strategies/trend 2" }
        #expect(series == "/strategies/trend 2")
        let strategyShot = try await page.call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], within: .minutes(2))
        try (Data(base64Encoded: strategyShot["data"] as? String ?? "") ?? Data()).write(to: build.appendingPathComponent("console-strategy.png"))
        let text = try await page.evaluate("document.body.innerText")
        #expect(text.contains("daily loss at 80% of the limit") && text.contains("strategy.pause"), "\(text.prefix(1_500))")

        phase.enter("acknowledging the risk event")
        _ = try await page.evaluate("document.querySelector('tr[data-event] button').click(); 'clicked'")
        try await Wait.until("the risk page with the event acknowledged", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + document.querySelectorAll('tr[data-event] button').length + ' ' + (document.getElementById('flash') || {}).textContent")
        } satisfies: { $0.hasPrefix("/risk 0 risk event ") && $0.hasSuffix("acknowledged by tina") }

        phase.enter("a viewer presses Resume")
        _ = try await page.evaluate("document.querySelector('form[action=\"/logout\"] button').click(); 'clicked'")
        try await Wait.until("the login page after logging out", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + document.readyState")
        } satisfies: { $0 == "/login complete" }
        try await logIn(page, base: base, as: "vera")
        try await Wait.until("the viewer's overview", within: .minutes(2)) {
            try await page.evaluate("location.pathname + ' ' + String((document.querySelector('.who') || {}).textContent).trim()")
        } satisfies: { $0.hasPrefix("/ vera") }
        _ = try await page.evaluate("document.querySelector('tr[data-strategy=\"trend\"] button[value=\"resume\"]').click(); 'clicked'")
        let refusal = try await Wait.until("the refusal in the flash", within: .minutes(2)) {
            try await page.evaluate("String((document.getElementById('flash') || {}).textContent)")
        } satisfies: { $0.hasPrefix("refused:") }
        #expect(refusal.contains("user 'vera' has role viewer, which may not pause, resume or stop strategies"), "\(refusal)")
        #expect(try await fixture.status() == "paused")
        phase.enter("done")
    }
}
