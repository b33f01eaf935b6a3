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
/// - `run()` drains the queue: up to `batchSize` rows per transaction, each kind sent with
///   `COPY ... FROM STDIN` in text format (postgres-nio 1.33 supports COPY in text format only,
///   not binary; `CopyTextEncoder` writes the text without `String` temporaries), encoded once
///   per batch and sent as one message (see ``GuardedConnection/copy(_:into:columns:logger:)``). Ticks, book
///   snapshots and metrics are copied straight into their tables, so each row passes the server
///   once. A tick whose (symbol, trade id) is already stored (a replay, a reconnect re-sending
///   ticks, whatever its timestamp) is skipped by the table's own trigger (migration 012),
///   which counts it for `statistics.duplicates`. Candles go through a session-local staging
///   table with `INSERT ... SELECT ... ON CONFLICT DO UPDATE`, so that a newer version of a bar
///   replaces the stored one. Rows whose time has no partition land in the DEFAULT partition (plain flavor)
///   or a new chunk (TimescaleDB), so they never make a write fail.
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
        /// Rows per transaction (one COPY per kind of row). Past a few thousand rows the
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
                        try await self.attempt(batch, on: live, connection, commit: commit)
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

    /// A connection, and whether the candles' staging table exists on it yet (created on first
    /// use, outside any batch's transaction so that a rolled-back batch does not take it along).
    final class WriterSession: Sendable {
        let guarded: ConnectionLossGuard
        let hasCandleStaging = Mutex(false)
        var connection: PostgresConnection { guarded.connection }
        init(connection: PostgresConnection, resources: WriterResources) {
            self.guarded = ConnectionLossGuard(connection, resources: resources)
        }
    }

    /// A batch's rows as COPY text, one buffer per kind of row, with the count of each.
    struct EncodedBatch: Sendable {
        var ticks = ByteBuffer(), candles = ByteBuffer(), books = ByteBuffer(), metrics = ByteBuffer()
        var tickCount = 0, candleCount = 0, bookCount = 0, metricCount = 0

        init(_ rows: [MarketDataRow]) {
            var tickText = CopyTextEncoder(), candleText = CopyTextEncoder()
            var bookText = CopyTextEncoder(), metricText = CopyTextEncoder()
            for (sequence, row) in rows.enumerated() {
                switch row {
                case .tick:
                    _ = MarketDataWriter.encodeTick(&tickText, row, sequence); tickText.endRow(); tickCount += 1
                case .candle:
                    _ = MarketDataWriter.encodeCandle(&candleText, row, sequence); candleText.endRow(); candleCount += 1
                case .book:
                    _ = MarketDataWriter.encodeBook(&bookText, row, sequence); bookText.endRow(); bookCount += 1
                case .metric:
                    _ = MarketDataWriter.encodeMetric(&metricText, row, sequence); metricText.endRow(); metricCount += 1
                }
            }
            ticks = tickText.take(); candles = candleText.take(); books = bookText.take(); metrics = metricText.take()
        }
    }

    /// Candles need SQL between COPY and market_ohlcv (a newer version of a bar replaces the
    /// stored one), so they are copied into this session-local table first.
    static let candleStaging = "writer_candles"
    static let candleStagingDefinition = """
        CREATE TEMP TABLE IF NOT EXISTS writer_candles (seq int8, symbol text, bar text, ts timestamptz, open numeric, high numeric,
            low numeric, close numeric, volume numeric, quote_volume numeric) ON COMMIT DELETE ROWS
        """

    struct Outcome: Sendable { var written = 0; var duplicates = 0; var rejected = 0 }

    /// One transaction: each kind of row streamed with COPY. With `commit`, the transaction's id
    /// and outcome are recorded there right before COMMIT is sent.
    private func attempt(_ batch: EncodedBatch, on session: WriterSession, _ connection: GuardedConnection,
                         commit: CommitInDoubt<Outcome>?) async throws -> Outcome {
        if batch.candleCount > 0 { try await prepareCandleStaging(on: session, connection) }
        var outcome = Outcome()
        try await connection.query("BEGIN", logger: logger)
        do {
            if batch.tickCount > 0 {
                try await connection.copy(batch.ticks, into: "market_ticks", columns: Self.tickColumns, logger: logger)
                // Skipped by migration 012's trigger: their (symbol, trade id) was already stored.
                let skipped = try await count(connection, "SELECT coalesce(nullif(current_setting('runtime.duplicate_ticks', true), ''), '0')::int8")
                outcome.written += batch.tickCount - skipped
                outcome.duplicates += skipped
            }
            if batch.candleCount > 0 {
                try await connection.copy(batch.candles, into: Self.candleStaging, columns: [], logger: logger)
                outcome.written += try await count(connection, """
                    WITH inserted AS (
                        INSERT INTO market_ohlcv (symbol, interval, timestamp, open, high, low, close, volume, quote_volume)
                        SELECT DISTINCT ON (symbol, bar, ts) symbol, bar, ts, open, high, low, close, volume, quote_volume
                        FROM writer_candles ORDER BY symbol, bar, ts, seq DESC
                        ON CONFLICT (symbol, interval, timestamp) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
                            low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume
                        RETURNING 1)
                    SELECT count(*) FROM inserted
                    """)
            }
            if batch.bookCount > 0 {
                try await connection.copy(batch.books, into: "order_book_snapshots", columns: Self.bookColumns, logger: logger)
                outcome.written += batch.bookCount
            }
            if batch.metricCount > 0 {
                try await connection.copy(batch.metrics, into: "system_metrics", columns: Self.metricColumns, logger: logger)
                outcome.written += batch.metricCount
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

    private func prepareCandleStaging(on session: WriterSession, _ connection: GuardedConnection) async throws {
        guard !session.hasCandleStaging.withLock({ $0 }) else { return }
        try await connection.query(PostgresQuery(unsafeSQL: Self.candleStagingDefinition), logger: logger)
        session.hasCandleStaging.withLock { $0 = true }
    }

    private func writeOneByOne(_ rows: [MarketDataRow], on session: WriterSession) async -> Outcome {
        var total = Outcome()
        for row in rows {
            do {
                let one = EncodedBatch([row])
                let outcome = try await session.guarded.run { connection in
                    try await self.attempt(one, on: session, connection, commit: nil)
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

    static let tickColumns = ["symbol", "timestamp", "trade_id", "price", "quantity", "side", "is_block_trade"]
    static let bookColumns = ["symbol", "timestamp", "bids", "asks", "checksum", "depth_level"]
    static let metricColumns = ["timestamp", "metric_category", "metric_name", "metric_value", "unit", "tags"]

    static func encodeTick(_ encoder: inout CopyTextEncoder, _ row: MarketDataRow, _ sequence: Int) -> Bool {
        guard case .tick(let tick, let isBlock) = row else { return false }
        encoder.text(tick.instrument.symbol)
        encoder.timestamp(tick.timestamp)
        encoder.text(tick.tradeId.rawValue)
        encoder.fixedPoint(tick.price.value)
        encoder.fixedPoint(tick.quantity.value)
        encoder.text(tick.side.rawValue)
        encoder.bool(isBlock)
        return true
    }

    /// `sequence` (the row's place in the batch) lets the newest version of a bar win.
    static func encodeCandle(_ encoder: inout CopyTextEncoder, _ row: MarketDataRow, _ sequence: Int) -> Bool {
        guard case .candle(let candle) = row else { return false }
        encoder.integer(sequence)
        encoder.text(candle.instrument.symbol)
        encoder.text(candle.interval.rawValue)
        encoder.timestamp(candle.openTime)
        encoder.fixedPoint(candle.open.value)
        encoder.fixedPoint(candle.high.value)
        encoder.fixedPoint(candle.low.value)
        encoder.fixedPoint(candle.close.value)
        encoder.fixedPoint(candle.volume.value)
        encoder.fixedPoint(candle.volumeQuote?.value)
        return true
    }

    static func encodeBook(_ encoder: inout CopyTextEncoder, _ row: MarketDataRow, _ sequence: Int) -> Bool {
        guard case .book(let book) = row else { return false }
        encoder.text(book.instrument.symbol)
        encoder.timestamp(book.timestamp)
        encoder.text(BookSnapshotRecord.json(book.bids))
        encoder.text(BookSnapshotRecord.json(book.asks))
        encoder.integer(book.checksum)
        encoder.text(book.channel.rawValue)
        return true
    }

    static func encodeMetric(_ encoder: inout CopyTextEncoder, _ row: MarketDataRow, _ sequence: Int) -> Bool {
        guard case .metric(let metric) = row else { return false }
        encoder.timestamp(metric.timestamp)
        encoder.text(metric.category)
        encoder.text(metric.name)
        encoder.fixedPoint(metric.value)
        encoder.text(metric.unit)
        encoder.text(metric.tags)
        return true
    }

    private func count(_ connection: GuardedConnection, _ sql: String) async throws -> Int {
        var result = 0
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { result = value }
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
