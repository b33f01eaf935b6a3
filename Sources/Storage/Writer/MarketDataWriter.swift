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
///   `capacity` rows its oldest rows are dropped to make room, and counted (market data only: trades, positions,
///   risk events and audit rows go through `TradingRecordWriter`, which never drops).
/// - `run()` drains the queue: up to `batchSize` rows per transaction, each kind of row stored by
///   one `INSERT ... SELECT ... FROM unnest(...)` of binary column arrays (``ColumnArrays``),
///   encoded once per batch. A tick whose (symbol, trade id) is already stored (a replay, a
///   reconnect re-sending ticks, whatever its timestamp) is skipped by the table's own trigger
///   (migration 012), which counts it for `statistics.duplicates`. Candles are upserted
///   (`ON CONFLICT DO UPDATE`), the last version of a bar in the batch winning, so that a newer
///   version of a bar replaces the stored one. Rows whose time has no partition land in the
///   DEFAULT partition (plain flavor) or a new chunk (TimescaleDB), so they never make a write fail.
/// - When the server goes away the batch in hand is kept, the connection is re-opened with
///   exponential backoff and the batch retried; rows submitted meanwhile wait in the queue up to
///   its bound. When the connection was lost with the batch's COMMIT unanswered, the server is
///   asked whether that transaction committed before the batch is written again, so book
///   snapshots and metrics (no unique key) are not stored twice. A batch the server refuses as bad data is retried row by row so that only the bad
///   rows are lost (counted as rejected).
/// - `statistics` reports written, duplicate, retried, dropped and rejected counts and the queue depth.
public final class MarketDataWriter: Sendable {
    /// Tuning.
    public struct Configuration: Sendable {
        /// Rows the queue holds before its oldest rows are dropped.
        public var capacity: Int
        /// Rows per transaction (one statement per kind of row). Past a few thousand rows the
        /// per-transaction cost hardly shows; 20,000 measured a little ahead of 5,000 in
        /// `scripts/bench.sh e2e --writer-only`.
        public var batchSize: Int
        /// First reconnect delay; doubles up to `maximumBackoff`.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration

        public init(capacity: Int = 200_000, batchSize: Int = 20_000, initialBackoff: Duration = .milliseconds(50),
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
        /// Rows dropped (the oldest queued) because the queue was full.
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
        /// Queued (when the queue was full, older rows were dropped for it: see `statistics.dropped`).
        case accepted
        /// The row would violate a constraint; it was not kept.
        case rejected(StorageError)
    }

    private let target: DatabaseTarget
    private let configuration: Configuration
    private let logger: Logger
    private let queue: BatchQueue<MarketDataRow>
    private let counts = Mutex(Statistics())
    /// Connections and tasks of `run()`; internal so tests can see that none outlives it.
    let resources = WriterResources()

    public init(target: DatabaseTarget, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "storage.market-data-writer")) {
        self.target = target
        self.configuration = configuration
        self.logger = logger
        self.queue = BatchQueue(capacity: configuration.capacity, batchSize: configuration.batchSize)
    }

    /// The counts so far.
    public var statistics: Statistics {
        var statistics = counts.withLock { $0 }
        statistics.pending = queue.pending
        return statistics
    }

    /// Queues a row without blocking. See the type's documentation.
    @discardableResult
    public func submit(_ row: MarketDataRow) -> Submission {
        do {
            try row.validate()
        } catch {
            counts.withLock { $0.rejected += 1 }
            return .rejected(error)
        }
        let dropped = queue.offerDroppingOldest(row)
        if dropped > 0 { counts.withLock { $0.dropped += dropped } }
        return .accepted
    }

    /// Waits until every row accepted so far has been written (or rejected).
    public func flush() async {
        await queue.flush()
    }

    /// Asks `run()` to return once the queue is empty.
    public func finish() {
        queue.finish()
    }

    /// Drains the queue until `finish()` was called and the queue is empty, or the task is
    /// cancelled. Run it in a task of its own. Returns once its connection is closed and every
    /// task it started has ended.
    public func run() async {
        var session: WriterSession?
        while !Task.isCancelled {
            guard let rows = await queue.nextBatch() else { break }
            // Encoded once, off the connection's event loop, and sent again as is on a retry.
            let batch = EncodedBatch(rows)
            var backoff = configuration.initialBackoff
            var lostConnection = false
            // Set once this batch's COMMIT is about to be sent: book snapshots and metrics have
            // no unique key, so a batch whose COMMIT answer was lost is only written again after
            // the server said that transaction did not commit.
            let commit = CommitInDoubt<Outcome>()
            while !Task.isCancelled {
                do {
                    let live: WriterSession
                    if let existing = session, !existing.connection.isClosed {
                        live = existing
                    } else {
                        live = WriterSession(connection: try await target.connect(logger: logger), resources: resources)
                        session = live
                        if lostConnection { counts.withLock { $0.reconnects += 1 } }
                    }
                    if let (transaction, outcome) = commit.inDoubt {
                        let done = try await TransactionStatus.committed(transaction, on: live.guarded, logger: logger)
                        commit.answered()
                        if done {
                            logger.info("the batch whose COMMIT answer was lost had committed; not writing it again", metadata: ["xid": "\(transaction)"])
                            finishBatch(outcome)
                            break
                        }
                    }
                    let outcome = try await live.guarded.run { connection in
                        try await self.attempt(batch, connection, commit: commit)
                    }
                    finishBatch(outcome)
                    break
                } catch let error where Self.isDataError(error) {
                    // Pre-validation should make this impossible; isolate the bad rows rather than wedge.
                    logger.error("batch refused as bad data; writing its rows one by one", metadata: ["error": "\(postgresErrorText(error))"])
                    if let live = session {
                        let outcome = await writeOneByOne(rows, on: live)
                        finishBatch(outcome)
                    }
                    break
                } catch {
                    lostConnection = true
                    counts.withLock { $0.retried += 1 }
                    logger.warning("market data batch not written; retrying", metadata: ["error": "\(postgresErrorText(error))", "rows": "\(rows.count)"])
                    if let stale = session?.connection { try? await stale.close() }
                    session = nil
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, configuration.maximumBackoff)
                }
            }
        }
        if let connection = session?.connection { try? await connection.close() }
        await resources.waitForAbandonedWork()
    }

    private func finishBatch(_ outcome: Outcome) {
        counts.withLock { statistics in
            statistics.written += outcome.written
            statistics.duplicates += outcome.duplicates
            statistics.rejected += outcome.rejected
        }
        queue.batchDone()
    }

    // MARK: - Writing

    final class WriterSession: Sendable {
        let guarded: ConnectionLossGuard
        var connection: PostgresConnection { guarded.connection }
        init(connection: PostgresConnection, resources: WriterResources) {
            self.guarded = ConnectionLossGuard(connection, resources: resources)
        }
    }

    /// A batch's rows, one set of column arrays per kind of row.
    struct EncodedBatch: Sendable {
        var ticks = ColumnArrays(MarketDataWriter.tickColumns), candles = ColumnArrays(MarketDataWriter.candleColumns)
        var books = ColumnArrays(MarketDataWriter.bookColumns), metrics = ColumnArrays(MarketDataWriter.metricColumns)

        init(_ rows: [MarketDataRow]) {
            for row in rows {
                switch row {
                case .tick(let tick, let isBlock): MarketDataWriter.encode(tick, isBlockTrade: isBlock, into: &ticks)
                case .candle(let candle): MarketDataWriter.encode(candle, into: &candles)
                case .book(let book): MarketDataWriter.encode(book, into: &books)
                case .metric(let metric): MarketDataWriter.encode(metric, into: &metrics)
                }
            }
        }
    }

    struct Outcome: Sendable { var written = 0; var duplicates = 0; var rejected = 0 }

    /// One transaction, one statement per kind of row. With `commit`, the transaction's id and
    /// outcome are recorded there right before COMMIT is sent.
    private func attempt(_ batch: EncodedBatch, _ connection: GuardedConnection, commit: CommitInDoubt<Outcome>?) async throws -> Outcome {
        var outcome = Outcome()
        try await connection.query("BEGIN", logger: logger)
        do {
            if !batch.ticks.isEmpty {
                try await connection.query(batch.ticks.insert(into: "market_ticks"), logger: logger)
                // Skipped by migration 012's trigger: their (symbol, trade id) was already stored.
                let skipped = try await count(connection, "SELECT coalesce(nullif(current_setting('runtime.duplicate_ticks', true), ''), '0')::int8")
                outcome.written += batch.ticks.rowCount - skipped
                outcome.duplicates += skipped
            }
            if !batch.candles.isEmpty {
                // The last version of a bar in the batch wins (WITH ORDINALITY numbers the rows).
                outcome.written += try await count(connection, batch.candles.query("""
                    WITH inserted AS (
                        INSERT INTO market_ohlcv (\(Self.candleColumns.list))
                        SELECT DISTINCT ON (symbol, interval, timestamp) \(Self.candleColumns.list)
                        FROM \(batch.candles.unnest) WITH ORDINALITY AS bar (\(Self.candleColumns.list), seq)
                        ORDER BY symbol, interval, timestamp, seq DESC
                        ON CONFLICT (symbol, interval, timestamp) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
                            low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume
                        RETURNING 1)
                    SELECT count(*) FROM inserted
                    """))
            }
            if !batch.books.isEmpty {
                try await connection.query(batch.books.insert(into: "order_book_snapshots"), logger: logger)
                outcome.written += batch.books.rowCount
            }
            if !batch.metrics.isEmpty {
                try await connection.query(batch.metrics.insert(into: "system_metrics"), logger: logger)
                outcome.written += batch.metrics.rowCount
            }
            if let commit, let transaction = try await TransactionStatus.current(on: connection, logger: logger) {
                commit.sending(transaction, outcome: outcome)
            }
            try await connection.query("COMMIT", logger: logger)
            commit?.answered()
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        return outcome
    }

    private func writeOneByOne(_ rows: [MarketDataRow], on session: WriterSession) async -> Outcome {
        var total = Outcome()
        for row in rows {
            do {
                let one = EncodedBatch([row])
                let outcome = try await session.guarded.run { connection in
                    try await self.attempt(one, connection, commit: nil)
                }
                total.written += outcome.written
                total.duplicates += outcome.duplicates
            } catch {
                total.rejected += 1
                logger.error("market data row refused by the server", metadata: ["row": "\(row)", "error": "\(postgresErrorText(error))"])
            }
        }
        return total
    }

    static let tickColumns = ColumnArrays.Columns([
        "symbol": .text, "timestamp": .timestamptz, "trade_id": .text, "price": .numeric, "quantity": .numeric, "side": .text,
        "is_block_trade": .bool,
    ])
    static let candleColumns = ColumnArrays.Columns([
        "symbol": .text, "interval": .text, "timestamp": .timestamptz, "open": .numeric, "high": .numeric, "low": .numeric,
        "close": .numeric, "volume": .numeric, "quote_volume": .numeric,
    ])
    static let bookColumns = ColumnArrays.Columns([
        "symbol": .text, "timestamp": .timestamptz, "bids": .jsonb, "asks": .jsonb, "checksum": .int8, "depth_level": .text,
    ])
    static let metricColumns = ColumnArrays.Columns([
        "timestamp": .timestamptz, "metric_category": .text, "metric_name": .text, "metric_value": .numeric, "unit": .text,
        "tags": .jsonb,
    ])

    static func encode(_ tick: TradeTick, isBlockTrade: Bool, into row: inout ColumnArrays) {
        row.text(tick.instrument.symbol); row.timestamp(tick.timestamp); row.text(tick.tradeId.rawValue)
        row.fixedPoint(tick.price.value); row.fixedPoint(tick.quantity.value); row.text(tick.side.rawValue); row.bool(isBlockTrade)
        row.endRow()
    }

    static func encode(_ candle: Candle, into row: inout ColumnArrays) {
        row.text(candle.instrument.symbol); row.text(candle.interval.rawValue); row.timestamp(candle.openTime)
        row.fixedPoint(candle.open.value); row.fixedPoint(candle.high.value); row.fixedPoint(candle.low.value)
        row.fixedPoint(candle.close.value); row.fixedPoint(candle.volume.value); row.fixedPoint(candle.volumeQuote?.value)
        row.endRow()
    }

    static func encode(_ book: BookSnapshotRecord, into row: inout ColumnArrays) {
        row.text(book.instrument.symbol); row.timestamp(book.timestamp); row.text(BookSnapshotRecord.json(book.bids))
        row.text(BookSnapshotRecord.json(book.asks)); row.integer(book.checksum); row.text(book.channel.rawValue)
        row.endRow()
    }

    static func encode(_ metric: SystemMetricRecord, into row: inout ColumnArrays) {
        row.timestamp(metric.timestamp); row.text(metric.category); row.text(metric.name); row.fixedPoint(metric.value)
        row.text(metric.unit); row.text(metric.tags)
        row.endRow()
    }

    private func count(_ connection: GuardedConnection, _ query: PostgresQuery) async throws -> Int {
        var result = 0
        for try await value in try await connection.query(query, logger: logger).decode(Int.self) { result = value }
        return result
    }

    /// Server-side refusals of the data itself (SQLSTATE classes 22 and 23) or of this login's right
    /// to write it (42501, e.g. a trader's row that is not a replay row): written again, they
    /// would be refused again, so they are refusals, not the lost connection a retry mends.
    static func isDataError(_ error: any Error) -> Bool {
        guard let state = postgresSQLState(error) ?? (error as? StorageError)?.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23") || state == "42501"
    }
}
