import ArgumentParser
import Foundation
import History
import Logging
import MarketData
import RuntimeHost
import Storage
import TradingCore

/// `runtime history`: market history from OKX's public REST API.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Download OKX market history (candles, trades) into a recording replay plays.",
        subcommands: [HistoryDownloadCommand.self]
    )
}

/// `runtime history download`: OKX's `history-candles` or `history-trades`, paged, within OKX's
/// rate limit, retried, resumable, written in the recording format `runtime replay` reads.
struct HistoryDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download candles (--bar) or trades (--trades) for a time range into a recording file.",
        discussion: """
            Writes OKX WebSocket push frames (candle<BAR> with confirm, or trades) in the recording format, oldest \
            first, so `runtime replay FILE` plays the file as it would a live recording. Running it again with the \
            same --out continues after the file's newest record: nothing is written twice or lost, and a line a crash \
            cut short is repaired. Missing bars are reported, never invented. Times are UTC. OKX_REST_URL overrides \
            the REST base URL (default \(HistoryDownloader.okxBaseURL)).
            """)

    @Option(name: .customLong("inst"), help: "Instrument ids, comma separated, e.g. BTC-USDT,ETH-USDT-SWAP.")
    var instruments: String

    @Option(help: "Candle size in OKX's spelling: \(HistoryKind.barNames.joined(separator: ", ")).")
    var bar: String?

    @Flag(help: "Download public trades (history-trades) instead of candles.")
    var trades = false

    @Option(help: "Start, inclusive: 2024-01-01, 2024-01-01T12:30, 2024-01-01T12:30:15Z (UTC), or ms since the epoch.")
    var from: String

    @Option(help: "End, exclusive, in the same forms as --from.")
    var to: String

    @Option(help: "The recording file to write; an existing one is resumed.")
    var out: String

    @Flag(name: .customLong("into-db"), help: "Also write the rows into market_ohlcv / market_ticks.")
    var intoDatabase = false

    @Option(name: .customLong("trade-segment"), help: ArgumentHelp("Trades per resumable segment, as a time span: 90s, 10m, 1h.", visibility: .hidden))
    var tradeSegment: String = "1h"

    func run() async throws {
        let plan = try Self.plan(instruments: instruments, bar: bar, trades: trades, from: from, to: to, tradeSegment: tradeSegment)
        try Self.checkWritable(out)
        let baseURL = try Self.baseURL(ProcessInfo.processInfo.environment)
        let logger = Logger(label: "runtime.history")
        let downloader = HistoryDownloader(options: .init(baseURL: baseURL), logger: logger)
        let terminal = isatty(STDERR_FILENO) == 1
        let progress: @Sendable (HistoryProgress) -> Void = { progress in
            guard terminal else { return }
            FileHandle.standardError.write(Data(("\r" + progress.bar()).utf8))
        }
        let summary: HistorySummary
        do {
            if intoDatabase {
                summary = try await Self.downloadIntoDatabase(plan, out: out, downloader: downloader, progress: progress, logger: logger)
            } else {
                summary = try await downloader.run(plan, into: out, progress: progress)
            }
        } catch let error as HistoryError {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            throw CommandFailure.exit("history download", "stopped: \(error)")
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        // Without a terminal there is no bar: one log line per instrument says what it got.
        for instrument in plan.instruments where !terminal {
            logger.info("instrument finished", metadata: ["instrument": "\(instrument)", "records": "\(summary.recordsWritten[instrument] ?? 0)",
                                                          "gaps": "\(summary.gaps.filter { $0.instrument == instrument }.count)"])
        }
        print(Self.report(summary, plan: plan, out: out))
    }

    /// The download the options describe, or a ValidationError naming the option and the reason.
    static func plan(instruments: String, bar: String?, trades: Bool, from: String, to: String, tradeSegment: String) throws -> DownloadPlan {
        let ids = instruments.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw ValidationError("--inst needs at least one instrument id, e.g. BTC-USDT") }
        for id in ids {
            do { _ = try InstrumentId(parsing: id) } catch { throw ValidationError("--inst '\(id)': \(error)") }
        }
        guard Set(ids).count == ids.count else { throw ValidationError("--inst names an instrument twice") }
        let kind: HistoryKind
        switch (bar, trades) {
        case (nil, false): throw ValidationError("give --bar BAR for candles or --trades for trades")
        case (.some, true): throw ValidationError("--bar and --trades exclude each other: one download fetches candles or trades")
        case (nil, true): kind = .trades
        case (let text?, false):
            guard let candles = HistoryKind.parse(bar: text) else {
                throw ValidationError("--bar '\(text)': not an OKX bar size; use one of \(HistoryKind.barNames.joined(separator: ", "))")
            }
            kind = candles
        }
        guard let start = HistoryDate.parse(from) else {
            throw ValidationError("--from '\(from)': not a date; use 2024-01-01, 2024-01-01T12:30, 2024-01-01T12:30:15Z (UTC) or ms since the epoch")
        }
        guard let end = HistoryDate.parse(to) else {
            throw ValidationError("--to '\(to)': not a date; use 2024-01-01, 2024-01-01T12:30, 2024-01-01T12:30:15Z (UTC) or ms since the epoch")
        }
        guard start < end else { throw ValidationError("--from (\(HistoryDate.text(start))) must be before --to (\(HistoryDate.text(end)))") }
        guard let segment = Self.milliseconds(tradeSegment) else {
            throw ValidationError("--trade-segment '\(tradeSegment)': expected a positive span such as 90s, 10m or 1h")
        }
        return DownloadPlan(instruments: ids, kind: kind, range: start..<end, tradeSegmentMilliseconds: segment)
    }

    /// Refuses an --out that cannot be written before any request is sent.
    static func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("--out '\(path)': is a directory, not a file") }
            guard FileManager.default.isWritableFile(atPath: path) else { throw ValidationError("--out '\(path)': the file is not writable") }
            return
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out '\(path)': the folder \(directory) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ValidationError("--out '\(path)': the folder \(directory) is not writable")
        }
    }

    /// `OKX_REST_URL`, or OKX's production URL.
    static func baseURL(_ environment: [String: String]) throws -> String {
        guard let url = environment["OKX_REST_URL"], !url.isEmpty else { return HistoryDownloader.okxBaseURL }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("OKX_REST_URL '\(url)': expected an http:// or https:// URL")
        }
        return url
    }

    /// `90s`, `10m`, `2h` in milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000]
        guard let last = text.last, let unit = units[last], let value = Int64(text.dropLast()), value > 0 else { return nil }
        return value * unit
    }

    /// Downloads with every segment also written to the database through the batching writer.
    /// Permission: `.replay`. Writing downloaded history is what a persisted replay does to
    /// market_ohlcv / market_ticks, and nothing more (no trades, positions or strategy rows); `.read`
    /// would let a viewer write, and running the host (`.runHost`) is an admin's, far more than this needs.
    static func downloadIntoDatabase(_ plan: DownloadPlan, out: String, downloader: HistoryDownloader,
                                     progress: @escaping @Sendable (HistoryProgress) -> Void, logger: Logger) async throws -> HistorySummary {
        let (summary, statistics) = try await DatabaseEnvironment.withDatabase(as: .replay, action: "history.download", logger: logger) { target, _ in
            let writer = MarketDataWriter(target: target, logger: logger)
            let draining = Task { await writer.run() }
            let outcome: Result<HistorySummary, any Error>
            do {
                outcome = .success(try await downloader.run(plan, into: out, progress: progress) { records in
                    for row in try HistoryRows.rows(records, kind: plan.kind) { writer.submit(row) }
                    // One segment at a time: the writer's queue never fills, so no row is dropped.
                    await writer.flush()
                })
            } catch {
                outcome = .failure(error)
            }
            writer.finish()
            await draining.value
            return (try outcome.get(), writer.statistics)
        }
        logger.info("database rows", metadata: ["written": "\(statistics.written)", "duplicates": "\(statistics.duplicates)",
                                                "rejected": "\(statistics.rejected)"])
        if statistics.rejected > 0 || statistics.dropped > 0 {
            throw CommandFailure.exit("history download", "\(statistics.rejected) rows refused, \(statistics.dropped) dropped by the database writer")
        }
        return summary
    }

    static func report(_ summary: HistorySummary, plan: DownloadPlan, out: String) -> String {
        let what = plan.kind == .trades ? "trades" : "\(plan.kind.channel) candles"
        var lines = ["downloaded \(summary.totalRecords) \(what) to \(out): "
            + plan.instruments.map { "\($0) \(summary.recordsWritten[$0] ?? 0)" }.joined(separator: ", ")]
        lines.append("segments \(summary.segmentsFetched) of \(summary.segmentsTotal) fetched in this run, \(summary.requests) requests, "
            + "\(summary.retries) retries" + (summary.keptLines > 0 ? ", resumed after \(summary.keptLines) lines already in the file" : ""))
        if plan.kind != .trades {
            lines.append("gaps: \(summary.gaps.count)" + (summary.gaps.isEmpty ? "" : " (missing bars are reported, not filled in)"))
            lines += summary.gaps.map { "  \($0)" }
        }
        if summary.unconfirmedBars > 0 { lines.append("bars still forming, not written: \(summary.unconfirmedBars)") }
        return lines.joined(separator: "\n")
    }
}

/// Downloaded records as database rows, read back through the same OKX codec a replay uses, so the
/// rows are those a persisted replay of the file would store.
enum HistoryRows {
    static func rows(_ records: [HistoryRecord], kind: HistoryKind) throws -> [MarketDataRow] {
        var codec = OKXCodec()
        var rows: [MarketDataRow] = []
        rows.reserveCapacity(records.count)
        for record in records {
            try codec.decode(record.frame(channel: kind.channel)).forEachMarketEvent { event in
                switch event {
                case .candle(let candle): rows.append(.candle(candle))
                case .trade(let trade): rows.append(.tick(trade))
                case .ticker, .book: break
                }
            }
        }
        return rows
    }
}
