import Foundation
import Logging
import MarketData
import PostgresNIO
import RuntimeHost
import Storage
import TradingCore

/// Lets a non-Sendable reference cross into the writers' task; the harness uses it from one place at a time.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
}

/// Runs the parts the options ask for and prints one table.
struct Harness {
    let options: HarnessOptions
    var logger: Logger = {
        var logger = Logger(label: "e2e")
        logger.logLevel = .error
        return logger
    }()

    init(options: HarnessOptions) {
        self.options = options
    }

    func run() async throws {
        if let rssEvents = options.rssEvents {
            try runRSS(trades: rssEvents)
            return
        }
        if let candles = options.candles {
            try await runCandles(candles)
            return
        }
        if options.writerOnly {
            var table = Table()
            let database = try await BenchDatabase.open(logger: logger)
            do {
                try await writerComparison(database: database, table: &table)
                try await database.drop()
            } catch {
                try? await database.drop()
                throw error
            }
            table.print()
            return
        }
        var table = Table()
        // The database first: started after the replay, pg_ctl start (through runuser) was seen to
        // hang in Foundation's Process.waitUntilExit.
        let database = options.database ? try await BenchDatabase.open(logger: logger) : nil
        // Input.
        let path: String
        if let file = options.file {
            path = file
            table.note("input: \(file)")
        } else {
            path = NSTemporaryDirectory() + "ea-okx-e2e-seed\(options.seed)-\(options.events).jsonl"
            let started = ProcessFigures.wallSeconds()
            let (trades, tickers) = try SyntheticInput.write(trades: options.events, seed: options.seed, to: path)
            let share = Double(tickers) / Double(trades + tickers) * 100
            table.note("input: \(path) (SYNTHETIC, seed \(options.seed)): \(trades) trades frames + \(tickers) tickers frames "
                + "(\(String(format: "%.1f", share))% tickers), BTC-USDT, prepared in \(String(format: "%.1f", ProcessFigures.wallSeconds() - started)) s")
        }

        // (a) the engine alone.
        let bare = try await replayWithoutPersistence(path: path)
        table.row("(a) replay, persistence off", value: bare.eventsPerSecond, unit: "events/s",
                  detail: "\(bare.summary.events) events in \(String(format: "%.2f", bare.wall)) s wall; \(Table.format(bare.eventsPerCPUSecond)) events per CPU-second; "
                    + "\(bare.summary.orders) orders, \(bare.summary.fills) fills, \(bare.summary.riskRejections) risk rejections, "
                    + "quality rejected \(bare.summary.rejected.values.reduce(0, +))")

        if let database {
            do {
                let persisted = try await replayWithPersistence(path: path, database: database)
                table.row("(b) replay, ticks + trading records to PostgreSQL", value: persisted.eventsPerSecond, unit: "events/s",
                          detail: "\(persisted.summary.events) events in \(String(format: "%.2f", persisted.wall)) s (until flushed); "
                            + "\(persisted.rowsWritten) market-data rows written, \(persisted.rowsDropped) dropped; "
                            + "\(String(format: "%.0f", persisted.eventsPerSecond / bare.eventsPerSecond * 100))% of (a)")
                try await writerComparison(database: database, table: &table)
                try await database.drop()
            } catch {
                try? await database.drop()
                throw error
            }
        }
        table.note("peak RSS so far (VmHWM): \(ProcessFigures.status("VmHWM") / 1024) MB; for the 10M-event figure run `scripts/bench.sh e2e --rss`")
        table.print()
    }

    // MARK: Replays

    /// The replay `runtime replay` runs (``ReplaySession``), without persistence: the frames are
    /// read and decoded on a second thread, a few batches ahead of the engine.
    /// With `reporting`, the replay also collects what `runtime replay` reports and works out the
    /// report's statistics at the end, as that command does (and as backtesting.py's run does).
    func replayWithoutPersistence(path: String, onCandles: Bool = false, reporting: Bool = false) async throws -> ReplayFigures {
        let engine = try EngineSetup.engine(persistMarketData: false, runTag: "a", onCandles: onCandles, logger: logger)
        let stream = try RecordedFrameStream(paths: [path], chunkSize: RecordedFrameReader.defaultChunkSize, rawFrameTiming: .inherited,
                                             sortingFilesUpTo: 0)
        let collector = reporting ? ReplayCollector(engine: engine) : nil
        let wall = ProcessFigures.wallSeconds(), cpu = ProcessFigures.cpuSeconds()
        let summary = try await ReplaySession.run(stream: stream, engine: engine, persistence: nil, collector: collector, logger: logger)
        let sections = collector?.sections(from: summary.firstEventTime, to: summary.lastEventTime) ?? []
        let figures = ReplayFigures(summary: summary, wall: ProcessFigures.wallSeconds() - wall, cpu: ProcessFigures.cpuSeconds() - cpu)
        if reporting, sections.isEmpty { throw HarnessError.setup("the replay's report has no section") }
        return figures
    }

    /// Like (a) but with the outbox handed to a PersistencePipeline every 1,024 frames, as
    /// ReplaySession does. When the market-data queue passes half its capacity the replay waits for
    /// the writer (a replay should not drop data); the time includes the final flush.
    func replayWithPersistence(path: String, database: BenchDatabase) async throws -> ReplayFigures {
        let strategyId = try await database.target.withClient(logger: logger) { client in
            try await StrategyRepository(client).upsert(StrategyRecord(name: EngineSetup.strategyName, strategyType: "SMACrossover",
                                                                       version: "1.0.0", symbols: ["BTC-USDT"], status: .paperTrading,
                                                                       allocatedCapital: Money(FixedPoint(10_000))))
        }
        let engine = try EngineSetup.engine(persistMarketData: true, runTag: "b", logger: logger)
        engine.keptRecords = PersistencePipeline.recordsRead // what ReplaySession keeps for the writers
        let pipeline = PersistencePipeline(target: database.target, strategyIds: [EngineSetup.strategyName: strategyId],
                                           mode: .replay, logger: logger)
        let box = Unchecked(value: pipeline)
        let writers = Task { await box.value.run() }

        // The file is read into batches of frames first (the reader's callback cannot await); not timed.
        let batches = try loadBatches(path: path, size: 1024)
        let wall = ProcessFigures.wallSeconds(), cpu = ProcessFigures.cpuSeconds()
        engine.start(at: SyntheticInput.start)
        for batch in batches {
            for frame in batch { frame.withUnsafeBufferPointer { engine.handle(frame: $0, receivedAt: .zero) } }
            await pipeline.submit(engine.drainOutbox())
            await ReplaySession.waitForMarketWriter(pipeline)
        }
        engine.stop(at: engine.clock)
        await pipeline.submit(engine.drainOutbox())
        await pipeline.flush()
        let elapsed = ProcessFigures.wallSeconds() - wall
        let statistics = pipeline.market.statistics
        pipeline.finish()
        await writers.value
        return ReplayFigures(summary: engine.summary, wall: elapsed, cpu: ProcessFigures.cpuSeconds() - cpu,
                             rowsWritten: statistics.written, rowsDropped: statistics.dropped)
    }

    /// The file read in 8 MB chunks by the reader `runtime replay` uses (raw frames are not copied;
    /// a `runtime record` line is unwrapped), in line order whatever its size. Raw frames are not
    /// timed: the engine runs on event time.
    static func frames(of path: String) throws -> RecordedFrameReader {
        try RecordedFrameReader(path: path, chunkSize: RecordedFrameReader.defaultChunkSize, rawFrameTiming: .inherited,
                                sortingFilesUpTo: 0)
    }

    /// The file's frames in batches of `size` (copied: the async loop needs owned bytes).
    func loadBatches(path: String, size: Int) throws -> [[[UInt8]]] {
        var batches: [[[UInt8]]] = []
        var pending: [[UInt8]] = []
        pending.reserveCapacity(size)
        try Self.frames(of: path).forEachFrame { frame in
            pending.append(Array(frame.bytes))
            if pending.count == size {
                batches.append(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { batches.append(pending) }
        return batches
    }

    // MARK: Candles only

    /// `count` seeded 1-minute bars, replayed with persistence off: decode, quality, SMACrossover
    /// on closes, risk, bar-execution fills, accounting.
    func runCandles(_ count: Int) async throws {
        var table = Table()
        let path = NSTemporaryDirectory() + "ea-okx-e2e-candles-seed\(options.seed)-\(count).jsonl"
        let started = ProcessFigures.wallSeconds()
        // The bars are a function of seed and count: a file left by an earlier run is reused.
        if options.candlesCSV != nil || !FileManager.default.fileExists(atPath: path) {
            try CandleInput.write(count: count, seed: options.seed, to: path, csv: options.candlesCSV)
        }
        table.note("input: \(path) (SYNTHETIC, seed \(options.seed)): \(count) confirmed candle1m frames, BTC-USDT, prepared in "
            + "\(String(format: "%.1f", ProcessFigures.wallSeconds() - started)) s" + (options.candlesCSV.map { "; CSV: \($0)" } ?? ""))
        let run = try await replayWithoutPersistence(path: path, onCandles: true)
        table.row("candles-only replay, persistence off", value: Double(run.summary.candles) / run.wall, unit: "bars/s",
                  detail: "\(run.summary.candles) bars in \(String(format: "%.2f", run.wall)) s wall; \(run.summary.orders) orders, "
                    + "\(run.summary.fills) fills, \(run.summary.riskRejections) risk rejections")
        let reported = try await replayWithoutPersistence(path: path, onCandles: true, reporting: true)
        table.row("the same with the report's statistics", value: Double(reported.summary.candles) / reported.wall, unit: "bars/s",
                  detail: "as runtime replay --no-persist: trades, positions and equity collected, statistics worked out")
        table.print()
    }

    // MARK: Peak RSS

    /// Generates `trades` trade frames on the fly (no file: 10M frames would be ~1.7 GB) and replays
    /// them without persistence, printing resident memory every million events.
    func runRSS(trades: Int) throws {
        var table = Table()
        let engine = try EngineSetup.engine(persistMarketData: false, runTag: "r", logger: logger)
        var market = SyntheticInput.market(seed: options.seed)
        engine.start(at: SyntheticInput.start)
        var tradeCount = 0
        var sinceDrain = 0
        var nextReport = 1_000_000
        var samples: [(Int, Int)] = []
        let wall = ProcessFigures.wallSeconds()
        let baseline = ProcessFigures.status("VmRSS")
        while tradeCount < trades {
            for frame in market.nextFrames() {
                if frame.text.hasPrefix(#"{"arg":{"channel":"trades""#) { tradeCount += 1 }
                var text = frame.text
                text.withUTF8 { engine.handle(frame: $0, receivedAt: .zero) }
                sinceDrain += 1
                if sinceDrain == 1024 {
                    sinceDrain = 0
                    _ = engine.drainOutbox()
                }
            }
            if engine.summary.events >= nextReport {
                samples.append((engine.summary.events, ProcessFigures.status("VmRSS")))
                nextReport += 1_000_000
            }
        }
        engine.stop(at: engine.clock)
        _ = engine.drainOutbox()
        let elapsed = ProcessFigures.wallSeconds() - wall
        table.note("RSS replay: \(trades) SYNTHETIC trades frames generated on the fly (plus tickers), persistence off, \(String(format: "%.0f", elapsed)) s")
        table.note("VmRSS before the replay: \(baseline / 1024) MB; every 1M events: "
            + samples.map { "\($0.0 / 1_000_000)M:\($0.1 / 1024)" }.joined(separator: " ") + " (MB)")
        table.row("peak RSS (VmHWM) over \(engine.summary.events) events", value: Double(ProcessFigures.status("VmHWM")) / 1024, unit: "MB",
                  detail: "\(engine.summary.orders) orders, \(engine.summary.fills) fills")
        table.print()
    }

    // MARK: Writer comparison

    /// The same tick rows three ways into `market_ticks` (emptied before each): the batching
    /// MarketDataWriter, one-row INSERTs (autocommit, one round trip each; over `insertRows` rows),
    /// and psql's `\copy` from a file in COPY text format (the rows' file is written beforehand).
    func writerComparison(database: BenchDatabase, table: inout Table) async throws {
        var market = SyntheticInput.market(seed: options.seed &+ 1)
        var codec = OKXCodec()
        var ticks: [TradeTick] = []
        ticks.reserveCapacity(options.writerRows)
        while ticks.count < options.writerRows {
            for frame in market.nextFrames() {
                guard let message = try? codec.decode(frame.text) else { continue }
                for case .trade(let trade) in message.marketEvents where ticks.count < options.writerRows { ticks.append(trade) }
            }
        }
        let target = database.target
        let connection = try await target.connect(logger: logger)
        // The trade-id claims (migration 012) go with the ticks: every stage stores the same rows anew.
        func truncate() async throws { try await connection.query("TRUNCATE market_ticks, market_trade_ids", logger: logger) }

        // Batching writer.
        try await truncate()
        let writer = MarketDataWriter(target: target, configuration: .init(capacity: ticks.count + 1), logger: logger)
        let writerStarted = ProcessFigures.wallSeconds()
        let loop = Task { await writer.run() }
        for tick in ticks { _ = writer.submit(.tick(tick)) }
        await writer.flush()
        let writerSeconds = ProcessFigures.wallSeconds() - writerStarted
        let written = writer.statistics.written
        writer.finish()
        await loop.value
        let writerRate = Double(written) / writerSeconds

        // One-row INSERTs.
        try await truncate()
        let insertCount = min(options.insertRows, ticks.count)
        let insertStarted = ProcessFigures.wallSeconds()
        for tick in ticks.prefix(insertCount) {
            let micros = tick.timestamp.nanosecondsSinceEpoch / 1_000
            let price = tick.price.description, quantity = tick.quantity.description, side = tick.side.rawValue
            let symbol = tick.instrument.symbol, tradeId = tick.tradeId.rawValue
            try await connection.query("""
                INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side, is_block_trade)
                VALUES (\(symbol), TIMESTAMPTZ 'epoch' + \(micros) * INTERVAL '1 microsecond', \(tradeId), \(price)::numeric, \(quantity)::numeric, \(side), false)
                """, logger: logger)
        }
        let insertRate = Double(insertCount) / (ProcessFigures.wallSeconds() - insertStarted)

        // psql \copy of the same rows.
        try await truncate()
        let copyFile = NSTemporaryDirectory() + "ea-okx-e2e-ticks-\(getpid()).tsv"
        var text = ""
        text.reserveCapacity(ticks.count * 80)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for tick in ticks {
            let date = Date(timeIntervalSince1970: Double(tick.timestamp.nanosecondsSinceEpoch / 1_000_000) / 1_000)
            text += "\(tick.instrument.symbol)\t\(formatter.string(from: date))\t\(tick.tradeId)\t\(tick.price)\t\(tick.quantity)\t\(tick.side.rawValue)\tf\n"
        }
        try text.write(toFile: copyFile, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: copyFile) }
        let copySeconds = try psqlCopy(file: copyFile, target: target)
        let copied = try await count(connection)
        try await connection.close()
        let copyRate = Double(copied) / copySeconds

        table.row("batching writer (MarketDataWriter), \(written) tick rows", value: writerRate, unit: "rows/s",
                  detail: String(format: "%.0f%% of psql \\copy; %.1fx one-row INSERTs", writerRate / copyRate * 100, writerRate / insertRate))
        table.row("one-row INSERTs (autocommit), \(insertCount) rows", value: insertRate, unit: "rows/s", detail: "")
        table.row("psql \\copy market_ticks FROM file, \(copied) rows", value: copyRate, unit: "rows/s",
                  detail: "psql subprocess on the cluster's socket, wall time incl. psql start")
    }

    func count(_ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("SELECT count(*)::bigint FROM market_ticks", logger: logger)
        for try await row in rows { return Int(try row.decode(Int64.self)) }
        return 0
    }

    func psqlCopy(file: String, target: DatabaseTarget) throws -> Double {
        let installation = try PostgresInstallation.locate()
        guard case .unixSocket(let directory, let port) = target.endpoint else {
            throw HarnessError.setup("the scratch database is expected on a Unix socket")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: installation.tool("psql"))
        process.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", target.username, "-d", target.database,
                             "-c", "\\copy market_ticks (symbol, timestamp, trade_id, price, quantity, side, is_block_trade) FROM '\(file)'"]
        let errors = Pipe()
        process.standardError = errors
        let started = ProcessFigures.wallSeconds()
        try process.run()
        process.waitUntilExit()
        let seconds = ProcessFigures.wallSeconds() - started
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw HarnessError.setup("psql \\copy failed: \(message)")
        }
        return seconds
    }
}

/// The one table the harness prints.
struct Table {
    private var rows: [(String, String, String)] = []
    private var notes: [String] = []

    mutating func row(_ label: String, value: Double, unit: String, detail: String) {
        rows.append((label, "\(Self.format(value)) \(unit)", detail))
    }

    mutating func note(_ text: String) { notes.append(text) }

    static func format(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        var digits = String(abs(rounded))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits = String(digits.dropLast(3))
        }
        return (rounded < 0 ? "-" : "") + digits + grouped
    }

    func print() {
        let labelWidth = max(10, rows.map(\.0.count).max() ?? 0)
        let valueWidth = max(10, rows.map(\.1.count).max() ?? 0)
        for note in notes { Swift.print(note) }
        Swift.print("")
        Swift.print("measurement".padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " | "
            + "result".padding(toLength: valueWidth, withPad: " ", startingAt: 0) + " | detail")
        Swift.print(String(repeating: "-", count: labelWidth) + "-+-" + String(repeating: "-", count: valueWidth) + "-+-------")
        for (label, value, detail) in rows {
            Swift.print(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " | "
                + String(repeating: " ", count: valueWidth - value.count) + value + " | " + detail)
        }
    }
}

/// Where (b) and the writer comparison write: `$DATABASE_URL` when set (migrated here; bench.sh e2e
/// starts a throwaway cluster for it), else a ScratchDatabase on an embedded cluster.
struct BenchDatabase {
    let target: DatabaseTarget
    private let scratch: ScratchDatabase?

    static func open(logger: Logger) async throws -> BenchDatabase {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            let target = try DatabaseTarget(url: url)
            let report = try await Migrator(logger: logger).migrate(target: target)
            print("database: \(report.flavor.rawValue) flavor (\(report.flavorReason))")
            return BenchDatabase(target: target, scratch: nil)
        }
        let scratch = try await ScratchDatabase.create()
        return BenchDatabase(target: scratch.target, scratch: scratch)
    }

    func drop() async throws {
        try await scratch?.drop()
    }
}
