import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import TradingCore

/// Writes market data (ticks, candles, book snapshots, metrics) in batches, off the hot path.
///
/// - `submit` never blocks and never suspends: it validates the row (refusing what the schema
///   would refuse), then appends it to a bounded in-memory queue. When the queue holds
///   `capacity` rows the new row is dropped and counted (market data only: trades, positions,
///   risk events and audit rows go through `TradingRecordWriter`, which never drops).
/// - `run()` drains the queue: up to `batchSize` rows per transaction, each kind streamed with
///   `COPY ... FROM STDIN` (postgres-nio 1.33 supports COPY in text format only, not binary) into
///   a session-local staging table and moved into the target with one `INSERT ... SELECT`:
///   duplicate ticks are skipped by their unique key (`ON CONFLICT DO NOTHING`), a newer version
///   of a candle replaces the stored one.
/// - When the server goes away the batch in hand is kept, the connection is re-opened with
///   exponential backoff and the batch retried; rows submitted meanwhile wait in the queue up to
///   its bound. A batch the server refuses as bad data is retried row by row so that only the bad
///   rows are lost (counted as rejected).
/// - `statistics` reports written, duplicate, retried, dropped and rejected counts and the queue depth.
public final class MarketDataWriter: Sendable {
    /// Tuning.
    public struct Configuration: Sendable {
        /// Rows the queue holds before new rows are dropped.
        public var capacity: Int
        /// Rows per transaction.
        public var batchSize: Int
        /// First reconnect delay; doubles up to `maximumBackoff`.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration

        public init(capacity: Int = 200_000, batchSize: Int = 5_000, initialBackoff: Duration = .milliseconds(50),
                    maximumBackoff: Duration = .seconds(5)) {
            self.capacity = capacity; self.batchSize = batchSize
            self.initialBackoff = initialBackoff; self.maximumBackoff = maximumBackoff
        }
    }

    /// What happened to the rows so far.
    public struct Statistics: Sendable, Equatable {
        /// Rows stored.
        public var written: Int = 0
        /// Ticks skipped because an identical one (same symbol, trade id and time) was stored.
        public var duplicates: Int = 0
        /// Batch attempts that failed and were retried (e.g. while the server was down).
        public var retried: Int = 0
        /// Rows dropped because the queue was full.
        public var dropped: Int = 0
        /// Rows refused: by pre-validation, or by the server when written alone.
        public var rejected: Int = 0
        /// Rows waiting in the queue or in the batch being written.
        public var pending: Int = 0
        /// Successful reconnects after a lost connection.
        public var reconnects: Int = 0
    }

    /// The outcome of `submit`.
    public enum Submission: Sendable, Equatable {
        case accepted
        /// The queue was full; the row was not kept.
        case dropped
        /// The row would violate a constraint; it was not kept.
        case rejected(StorageError)
    }

    private struct State {
        var queue: [MarketDataRow] = []
        var inFlight = 0
        var statistics = Statistics()
        var drainWaiter: CheckedContinuation<Void, Never>?
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var finishing = false
    }

    private let target: DatabaseTarget
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())

    public init(target: DatabaseTarget, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "storage.market-data-writer")) {
        self.target = target
        self.configuration = configuration
        self.logger = logger
    }

    /// The counts so far.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.queue.count + state.inFlight
            return statistics
        }
    }

    /// Queues a row without blocking. See the type's documentation.
    @discardableResult
    public func submit(_ row: MarketDataRow) -> Submission {
        do {
            try row.validate()
        } catch {
            state.withLock { $0.statistics.rejected += 1 }
            return .rejected(error)
        }
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            if state.queue.count >= configuration.capacity {
                state.statistics.dropped += 1
                return (false, nil)
            }
            state.queue.append(row)
            let waiter = state.drainWaiter
            state.drainWaiter = nil
            return (true, waiter)
        }
        waiter?.resume()
        return accepted ? .accepted : .dropped
    }

    /// Waits until every row accepted so far has been written (or rejected).
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.queue.isEmpty && state.inFlight == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Asks `run()` to return once the queue is empty.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finishing = true
            defer { state.drainWaiter = nil }
            return state.drainWaiter
        }
        waiter?.resume()
    }

    /// Drains the queue until `finish()` was called and the queue is empty, or the task is
    /// cancelled. Run it in a task of its own.
    public func run() async {
        var connection: PostgresConnection?
        defer { if let connection { Task { try? await connection.close() } } }
        while !Task.isCancelled {
            guard let batch = await nextBatch() else { break }
            var backoff = configuration.initialBackoff
            var lostConnection = false
            while !Task.isCancelled {
                do {
                    let live: PostgresConnection
                    if let existing = connection, !existing.isClosed {
                        live = existing
                    } else {
                        live = try await openConnection()
                        connection = live
                        if lostConnection { state.withLock { $0.statistics.reconnects += 1 } }
                    }
                    let outcome = try await write(batch, on: live)
                    finishBatch(count: batch.count, written: outcome.written, duplicates: outcome.duplicates, rejected: 0)
                    break
                } catch let error where Self.isDataError(error) {
                    // Pre-validation should make this impossible; isolate the bad rows rather than wedge.
                    logger.error("batch refused as bad data; writing its rows one by one", metadata: ["error": "\(postgresErrorText(error))"])
                    if let live = connection {
                        _ = try? await live.query("ROLLBACK", logger: logger)
                        let outcome = await writeOneByOne(batch, on: live)
                        finishBatch(count: batch.count, written: outcome.written, duplicates: outcome.duplicates, rejected: outcome.rejected)
                    }
                    break
                } catch {
                    lostConnection = true
                    state.withLock { $0.statistics.retried += 1 }
                    logger.warning("market data batch not written; retrying", metadata: ["error": "\(postgresErrorText(error))", "rows": "\(batch.count)"])
                    if let stale = connection { try? await stale.close() }
                    connection = nil
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, configuration.maximumBackoff)
                }
            }
        }
    }

    // MARK: - Queue

    private func nextBatch() async -> [MarketDataRow]? {
        while true {
            let (batch, finished) = state.withLock { state -> ([MarketDataRow]?, Bool) in
                if state.queue.isEmpty { return (nil, state.finishing) }
                let count = min(configuration.batchSize, state.queue.count)
                let batch: [MarketDataRow]
                if count == state.queue.count {
                    batch = state.queue
                    state.queue = []
                    state.queue.reserveCapacity(min(configuration.capacity, 4 * configuration.batchSize))
                } else {
                    batch = Array(state.queue.prefix(count))
                    state.queue.removeFirst(count)
                }
                state.inFlight = batch.count
                return (batch, false)
            }
            if let batch { return batch }
            if finished || Task.isCancelled { return nil }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.queue.isEmpty || state.finishing { return true }
                    state.drainWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func finishBatch(count: Int, written: Int, duplicates: Int, rejected: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight = 0
            state.statistics.written += written
            state.statistics.duplicates += duplicates
            state.statistics.rejected += rejected
            guard state.queue.isEmpty else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Writing

    private func openConnection() async throws -> PostgresConnection {
        let connection = try await target.connect(logger: logger)
        do {
            for statement in Self.stagingTables {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    static let stagingTables = [
        "CREATE TEMP TABLE IF NOT EXISTS writer_ticks (symbol text, ts_us int8, trade_id text, price numeric, quantity numeric, side text, is_block bool) ON COMMIT DELETE ROWS",
        "CREATE TEMP TABLE IF NOT EXISTS writer_candles (seq int8, symbol text, bar text, ts_us int8, open numeric, high numeric, low numeric, close numeric, volume numeric, quote_volume numeric) ON COMMIT DELETE ROWS",
        "CREATE TEMP TABLE IF NOT EXISTS writer_books (symbol text, ts_us int8, bids jsonb, asks jsonb, checksum int4, depth_level text) ON COMMIT DELETE ROWS",
        "CREATE TEMP TABLE IF NOT EXISTS writer_metrics (ts_us int8, category text, name text, value numeric, unit text, tags jsonb) ON COMMIT DELETE ROWS",
    ]

    private struct Outcome { var written = 0; var duplicates = 0; var rejected = 0 }

    private func write(_ batch: [MarketDataRow], on connection: PostgresConnection) async throws -> Outcome {
        var ticks = ByteBuffer(), candles = ByteBuffer(), books = ByteBuffer(), metrics = ByteBuffer()
        var tickCount = 0, candleCount = 0, bookCount = 0, metricCount = 0
        for (sequence, row) in batch.enumerated() {
            switch row {
            case .tick(let tick, let isBlock):
                tickCount += 1
                CopyText.fields(&ticks, [tick.instrument.symbol, String(SQLValues.micros(tick.timestamp)), tick.tradeId.rawValue,
                                         tick.price.description, tick.quantity.description, tick.side.rawValue, isBlock ? "t" : "f"])
            case .candle(let candle):
                candleCount += 1
                CopyText.fields(&candles, [String(sequence), candle.instrument.symbol, candle.interval.rawValue, String(SQLValues.micros(candle.openTime)),
                                           candle.open.description, candle.high.description, candle.low.description, candle.close.description,
                                           candle.volume.description, candle.volumeQuote?.description])
            case .book(let book):
                bookCount += 1
                CopyText.fields(&books, [book.instrument.symbol, String(SQLValues.micros(book.timestamp)), BookSnapshotRecord.json(book.bids),
                                         BookSnapshotRecord.json(book.asks), book.checksum.map { String($0) }, book.channel.rawValue])
            case .metric(let metric):
                metricCount += 1
                CopyText.fields(&metrics, [String(SQLValues.micros(metric.timestamp)), metric.category, metric.name, metric.value.description,
                                           metric.unit, metric.tags])
            }
        }
        var outcome = Outcome()
        try await connection.query("BEGIN", logger: logger)
        do {
            if tickCount > 0 {
                try await copy(ticks, into: "writer_ticks", on: connection)
                let inserted = try await count(connection, """
                    WITH inserted AS (
                        INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side, is_block_trade)
                        SELECT symbol, TIMESTAMPTZ 'epoch' + ts_us * INTERVAL '1 microsecond', trade_id, price, quantity, side, is_block
                        FROM writer_ticks
                        ON CONFLICT DO NOTHING RETURNING 1)
                    SELECT count(*) FROM inserted
                    """)
                outcome.written += inserted
                outcome.duplicates += tickCount - inserted
            }
            if candleCount > 0 {
                try await copy(candles, into: "writer_candles", on: connection)
                outcome.written += try await count(connection, """
                    WITH inserted AS (
                        INSERT INTO market_ohlcv (symbol, interval, timestamp, open, high, low, close, volume, quote_volume)
                        SELECT DISTINCT ON (symbol, bar, ts_us) symbol, bar, TIMESTAMPTZ 'epoch' + ts_us * INTERVAL '1 microsecond',
                               open, high, low, close, volume, quote_volume
                        FROM writer_candles ORDER BY symbol, bar, ts_us, seq DESC
                        ON CONFLICT (symbol, interval, timestamp) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
                            low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume
                        RETURNING 1)
                    SELECT count(*) FROM inserted
                    """)
            }
            if bookCount > 0 {
                try await copy(books, into: "writer_books", on: connection)
                outcome.written += try await count(connection, """
                    WITH inserted AS (
                        INSERT INTO order_book_snapshots (symbol, timestamp, bids, asks, checksum, depth_level)
                        SELECT symbol, TIMESTAMPTZ 'epoch' + ts_us * INTERVAL '1 microsecond', bids, asks, checksum, depth_level FROM writer_books
                        RETURNING 1)
                    SELECT count(*) FROM inserted
                    """)
            }
            if metricCount > 0 {
                try await copy(metrics, into: "writer_metrics", on: connection)
                outcome.written += try await count(connection, """
                    WITH inserted AS (
                        INSERT INTO system_metrics (timestamp, metric_category, metric_name, metric_value, unit, tags)
                        SELECT TIMESTAMPTZ 'epoch' + ts_us * INTERVAL '1 microsecond', category, name, value, unit, coalesce(tags, '{}') FROM writer_metrics
                        RETURNING 1)
                    SELECT count(*) FROM inserted
                    """)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        return outcome
    }

    private func writeOneByOne(_ batch: [MarketDataRow], on connection: PostgresConnection) async -> Outcome {
        var total = Outcome()
        for row in batch {
            do {
                let outcome = try await write([row], on: connection)
                total.written += outcome.written
                total.duplicates += outcome.duplicates
            } catch {
                total.rejected += 1
                logger.error("market data row refused by the server", metadata: ["row": "\(row)", "error": "\(postgresErrorText(error))"])
            }
        }
        return total
    }

    private func copy(_ buffer: ByteBuffer, into table: String, on connection: PostgresConnection) async throws {
        try await connection.copyFrom(table: table, logger: logger) { writer in
            try await writer.write(buffer)
        }
    }

    private func count(_ connection: PostgresConnection, _ sql: String) async throws -> Int {
        var result = 0
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { result = value }
        return result
    }

    /// Server-side refusals of the data itself (SQLSTATE classes 22 and 23), as opposed to a lost connection.
    static func isDataError(_ error: any Error) -> Bool {
        guard let state = postgresSQLState(error) ?? (error as? StorageError)?.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }
}

/// PostgreSQL COPY text format: tab-separated, `\N` for NULL, backslash escapes.
enum CopyText {
    static func fields(_ buffer: inout ByteBuffer, _ values: [String?]) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            guard let value else { buffer.writeStaticString("\\N"); continue }
            if value.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                for byte in value.utf8 {
                    switch byte {
                    case 0x5C: buffer.writeStaticString("\\\\")
                    case 0x09: buffer.writeStaticString("\\t")
                    case 0x0A: buffer.writeStaticString("\\n")
                    case 0x0D: buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(byte)
                    }
                }
            } else {
                buffer.writeString(value)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
