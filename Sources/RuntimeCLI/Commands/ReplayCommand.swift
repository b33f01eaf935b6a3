import ArgumentParser
import Foundation
import Logging
import MarketData
import Reports
import RuntimeHost
import Storage

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded OKX frames through the same host code on event time.",
        discussion: """
            Plays recordings made by `runtime record` (or plain files of raw OKX frames, one per line) through \
            quality control, the deployed strategies (from their plugins), the risk engine and the paper venue, \
            on event time. Rows are written with mode=replay, never mistaken for paper or live ones. The same \
            files give the same trades every time.
            """
    )

    @Argument(help: "Recording or raw-frame files (JSONL).")
    var files: [String]

    @Option(name: .long, help: "Only these deployed strategies (comma-separated names).")
    var strategies: String?

    // Unconditional: `--speed -3` is a wrong speed to name, not a missing value.
    @Option(name: .long, parsing: .unconditional, help: "max (as fast as possible), or a multiple of event time such as 1x or 10x.")
    var speed: String = "max"

    @Flag(name: .long, help: "Do not write trades, positions, market data or risk events.")
    var noPersist = false

    @Flag(name: .long, help: "Print the summary as one JSON object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("""
        Also write a self-contained HTML report (equity, drawdown and PnL charts, monthly returns, trades, statistics \
        per strategy and in total) to this file.
        """, valueName: "out.html"))
    var report: String?

    @Flag(name: .long, help: """
        After every event, check that the strategies, the risk engine, the venue and the portfolio agree on         positions, open orders and equity; stop at the first disagreement (slower; for testing strategies).
        """)
    var checkInvariants = false

    func run() async throws {
        guard let replaySpeed = ReplaySpeed(speed) else {
            throw ValidationError("--speed must be max or a positive multiple such as 1x or 10x, not '\(speed)'")
        }
        let reportFile = try report.map { try ReportFile(checking: $0) }
        try RecordingFiles.check(files)
        let settings = try HostSettings.load()
        let catalog = try InstrumentCatalog.load(contentsOf: ProjectPaths.instruments)
        let logger = Logger(label: "runtime.replay")
        let only = strategies.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let persist = !noPersist
        let files = self.files
        let checkInvariants = self.checkInvariants
        let outcome = try await DatabaseEnvironment.withDatabase(as: .replay, action: "runtime.replay", logger: logger) { target, client in
            let plan = try await HostLauncher.prepare(mode: .replay, only: only, settings: settings, catalog: catalog,
                                                      loader: PluginLoader(), target: target, client: client, logger: logger)
            if checkInvariants { plan.engine.invariantChecker = InvariantChecker() }
            if persist { try await plan.supersedeEarlierReplayPositions(client: client) }
            let collector = ReplayCollector(engine: plan.engine)
            let writers = Task { [trading = plan.persistence.trading, market = plan.persistence.market] in
                await PersistencePipeline.run(trading, market)
            }
            // The files are read in chunks as they play, so a bad line is found mid-replay: what
            // was played before it is still stopped, flushed and written.
            let outcome: Result<EngineSummary, RecordingError>
            do throws(RecordingError) {
                outcome = .success(try await ReplaySession.run(recordings: files, speed: replaySpeed, engine: plan.engine,
                                                               persistence: persist ? plan.persistence : nil, collector: collector,
                                                               exitOnWedgedCallback: true, logger: logger))
            } catch {
                outcome = .failure(error)
            }
            plan.persistence.finish()
            await writers.value
            // A replay is a backfill: its market data is older than what TimescaleDB's aggregate
            // policies look at, so roll up its range now (both flavors give the same rollups).
            let played = plan.engine.summary
            if persist, played.events > 0 {
                if try await !StorageMaintenance(client).refreshAggregates(from: played.firstEventTime, to: played.lastEventTime) {
                    logger.notice("the candle rollups of this replay's range are queued for the schema owner's next `runtime db maintain`")
                }
            }
            if let violation = plan.engine.invariantViolations.first {
                throw CommandFailure.exit("replay", "stopped: \(violation) (everything before it was written)")
            }
            let market = plan.persistence.market.statistics
            let rows = ReplayReport.MarketRows(written: market.written, duplicates: market.duplicates, droppedQueueFull: market.dropped,
                                               refused: market.rejected + plan.persistence.refusedBeforeSending,
                                               skippedPastRetention: plan.persistence.skippedPastRetention)
            // The collector stays on this task; what leaves it is the report's (sendable) sections.
            return outcome.map { ($0, rows, collector.sections(from: $0.firstEventTime, to: $0.lastEventTime)) }
        }
        let summary: EngineSummary
        let rows: ReplayReport.MarketRows
        let sections: [BacktestReport.Section]
        do {
            (summary, rows, sections) = try outcome.get()
        } catch {
            throw CommandFailure.exit("replay", "\(error)")
        }
        var replayReport = ReplayReport(summary: summary, files: files, speed: replaySpeed, persisted: persist,
                                        marketRows: persist ? rows : nil)
        let backtest = BacktestReport(title: "Replay of \(files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))",
                                      facts: replayReport.reportFacts, strategies: sections)
        replayReport.statistics = backtest.statisticsByName
        if let reportFile { try reportFile.write(HTMLReport.render(backtest)) }
        print(json ? try JSONOutput.render(replayReport) : replayReport.text)
    }
}
