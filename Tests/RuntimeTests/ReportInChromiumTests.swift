import Foundation
import Logging
import Reports
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// The replay report as a browser shows it: a real replay of the fixture market data (the
/// shipped strategies on one-second bars of real BTC-USDT trades), its page opened in headless
/// Chromium. The screenshot stays in .build/report-screenshot.png (CI keeps it as an artifact).
@Suite(.watchdog) struct ReportInChromiumTests {
    /// Debian's `chromium`, where setup.sh installs it.
    static func chromiumPath() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Replays the fixture bars with a collector and returns the report.
    static func fixtureReport() async throws -> BacktestReport {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let path = try BooklessReplayTests.candleRecording(bars, name: "report-chromium")
        let engine = try BooklessReplayTests.engineOnBars(tag: "C")
        let collector = ReplayCollector(engine: engine)
        let summary = try await ReplaySession.run(recordings: [path], engine: engine, persistence: nil, collector: collector,
                                                  logger: Logger(label: "test.report"))
        #expect(summary.fills > 0, "outcomes: \(summary.venueOutcomes)")
        let replay = ReplayReport(summary: summary, files: [path], speed: .max, persisted: false)
        return collector.report(title: "Replay of the fixture bars", facts: replay.reportFacts,
                                from: summary.firstEventTime, to: summary.lastEventTime)
    }

    /// Chromium, installed the way setup.sh does when it is missing and this user is root. The
    /// test is skipped (cancelled, with the reason) only when it is missing and cannot be
    /// installed here; CI runs setup.sh first, so there it always runs.
    static func chromium() async throws -> String {
        if let path = chromiumPath() { return path }
        guard getuid() == 0 else {
            try Test.cancel("chromium is not installed and only root can install it: run scripts/setup.sh as root (apt-get install chromium)")
        }
        let phase = Phase("installing chromium with apt-get (as setup.sh does)")
        let install = try await ChildProcess.run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"],
                                                 environment: ["DEBIAN_FRONTEND": "noninteractive"], within: .minutes(15))
        phase.enter("apt-get finished")
        guard let path = chromiumPath() else {
            try Test.cancel("chromium is not installed and apt-get could not install it (status \(install.status)): \(install.output.suffix(500))")
        }
        return path
    }

    @Test func theReportRendersItsChartsInHeadlessChromium() async throws {
        let browser = try await Self.chromium()

        let report = try await Self.fixtureReport()
        #expect(report.total.statistics.trades > 0)
        #expect(report.strategies.map(\.name) == ["mr_bars", "sma_bars"])
        let build = PluginTestSupport.packageRoot.appendingPathComponent(".build")
        let folder = build.appendingPathComponent("report-test-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try HTMLReport.render(report).write(to: page, atomically: true, encoding: .utf8)
        let screenshot = build.appendingPathComponent("report-screenshot.png")
        try? FileManager.default.removeItem(at: screenshot)

        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.path)/profile",
                      "--no-first-run", "--disable-extensions", "--hide-scrollbars"]
        let phase = Phase("taking a screenshot with chromium")
        let shot = try await ChildProcess.run(browser, common + ["--screenshot=\(screenshot.path)", "--window-size=1280,2000", page.absoluteString],
                                              within: .minutes(3))
        #expect(shot.status == 0, "\(shot.output)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "screenshot of \(png.count) bytes")

        phase.enter("dumping the DOM with chromium")
        let dom = try await ChildProcess.run(browser, common + ["--dump-dom", page.absoluteString], within: .minutes(3))
        #expect(dom.status == 0, "\(dom.output)")
        let html = dom.standardOutput
        // Three charts (equity, drawdown, PnL) for the total and each strategy, drawn with data.
        #expect(html.components(separatedBy: "<svg").count - 1 == 9, "\(html.prefix(2_000))")
        #expect(html.components(separatedBy: #"<path class="series" d="M"#).count - 1 == 6)
        #expect(html.components(separatedBy: #"<rect class="bar""#).count - 1 >= 3)
        #expect(html.contains("Sharpe") && html.contains("Monthly returns") && html.contains("<table class=\"trades\""))
        for failure in ["ERR_", "This page", "no data", "NaN", "Infinity", "not found"] {
            #expect(!html.contains(failure), "the rendered page contains '\(failure)'")
        }
        phase.enter("done")
    }
}
