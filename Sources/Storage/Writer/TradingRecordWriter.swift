import Foundation
import Logging
import PostgresNIO
import Synchronization
import TradingCore

/// One change to the trading records, written in one transaction.
public enum TradingRecordChange: Sendable, Hashable {
    /// An order's new state and, when it filled, the position it changed.
    case trade(TradeRecord, position: PositionRecord?)
    case position(PositionRecord)
    case riskEvent(RiskEventRecord)
    case audit(AuditLogRecord)
    case performance(StrategyPerformanceRecord)
    case host(HostRecord)
    /// A strategy's status changed (e.g. the risk engine halted it).
    case strategyStatus(StrategyName, StrategyStatus)

    /// Refuses what the tables' constraints would refuse, naming the field and why.
    public func validate() throws(StorageError) {
        switch self {
        case .trade(let trade, let position):
            try trade.validate()
            try position?.validate()
        case .position(let position): try position.validate()
        case .riskEvent(let event): try event.validate()
        case .audit(let record): try record.validate()
        case .performance(let record): try record.validate()
        case .host(let host): try host.validate()
        case .strategyStatus: break
        }
    }

    func apply(on session: any DatabaseSession) async throws(StorageError) {
        switch self {
        case .trade(let trade, let position):
            try await TradeRepository(session).upsert(trade)
            if let position { try await PositionRepository(session).upsert(position) }
        case .position(let position): try await PositionRepository(session).upsert(position)
        case .riskEvent(let event): try await RiskEventRepository(session).insert(event)
        case .audit(let record): try await AuditLogRepository(session).insert(record)
        case .performance(let record): try await PerformanceRepository(session).upsert(record)
        case .host(let host): try await HostRepository(session).upsert(host)
        case .strategyStatus(let name, let status): _ = try await StrategyRepository(session).setStatus(status, of: name)
        }
    }
}

/// Writes trades, positions, risk events, audit rows, daily performance and heartbeats off the
/// hot path, and never drops one.
///
/// `submit` validates the change and queues it; when the queue is full it waits for room
/// (backpressure) instead of dropping. `run()` writes what is queued, up to `batchSize` changes per
/// transaction, as few statements (see ``TradingRecordBatch``);
/// while the server is away it keeps the changes and reconnects with exponential backoff. A
/// change the server refuses outright (e.g. a trade whose strategy row does not exist) cannot be
/// written by retrying: it is logged, kept in `refused` and counted, and the rest go on.
public final class TradingRecordWriter: Sendable {
    /// What happened so far.
    public struct Statistics: Sendable, Equatable {
        /// Changes stored.
        public var written = 0
        /// Batch attempts that failed and were retried (e.g. while the server was down).
        public var retried = 0
        /// Changes the server refused (see ``TradingRecordWriter/refused``).
        public var refused = 0
        /// Changes waiting in the queue or in the batch being written.
        public var pending = 0
        /// Successful reconnects after a lost connection.
        public var reconnects = 0
        /// Changes whose submitter had to wait for room: the database was behind and the engine slowed.
        public var waitedForRoom = 0
    }

    private struct Counts {
        var statistics = Statistics()
        var lastSlowWarning: ContinuousClock.Instant?
        var refused: [(TradingRecordChange, String)] = []
    }

    private let target: DatabaseTarget
    private let logger: Logger
    private let queue: BatchQueue<TradingRecordChange>
    private let counts = Mutex(Counts())
    /// Connections and tasks of `run()`; internal so tests can see that none outlives it.
    let resources = WriterResources()

    public init(target: DatabaseTarget, capacity: Int = 50_000, batchSize: Int = 200,
                logger: Logger = Logger(label: "storage.trading-record-writer")) {
        self.target = target
        self.queue = BatchQueue(capacity: capacity, batchSize: batchSize)
        self.logger = logger
    }

    /// The counts so far.
    public var statistics: Statistics {
        var statistics = counts.withLock { $0.statistics }
        statistics.pending = queue.pending
        return statistics
    }

    /// Changes the server refused, with its reason.
    public var refused: [(change: TradingRecordChange, reason: String)] {
        counts.withLock { $0.refused.map { (change: $0.0, reason: $0.1) } }
    }

    /// Validates and queues a change, waiting for room when the queue is full: trading records
    /// are never dropped, so the engine slows to the database's pace, and says so (a warning at
    /// most every 10 s, and `statistics.waitedForRoom`).
    public func submit(_ change: TradingRecordChange) async throws(StorageError) {
        try change.validate()
        if queue.isFull {
            let warn = counts.withLock { counts -> Bool in
                counts.statistics.waitedForRoom += 1
                let now = ContinuousClock.now
                guard counts.lastSlowWarning.map({ now - $0 >= .seconds(10) }) ?? true else { return false }
                counts.lastSlowWarning = now
                return true
            }
            if warn {
                logger.warning("trading records are waiting for the database (queue of \(queue.capacity) full); the engine slows until they are written")
            }
        }
        await queue.append(change)
    }

    /// Waits until everything submitted so far is written (or refused).
    public func flush() async {
        await queue.flush()
    }

    /// ``flush()`` for at most `limit`: false when the limit passed first. What was submitted is
    /// still written once the database answers.
    public func flush(within limit: Duration) async -> Bool {
        let answered = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer: @Sendable (Bool) -> Void = { flushed in
                guard answered.withLock({ done in defer { done = true }; return !done }) else { return }
                continuation.resume(returning: flushed)
            }
            Task { await self.flush(); answer(true) }
            Task {
                try? await Task.sleep(for: limit)
                answer(false)
            }
        }
    }

    /// Asks `run()` to return once everything is written.
    public func finish() {
        queue.finish()
    }

    /// Writes queued changes until `finish()` and an empty queue, or cancellation. Returns once
    /// its connection is closed and every task it started has ended.
    public func run() async {
        var session: ConnectionLossGuard?
        while !Task.isCancelled {
            guard let batch = await queue.nextBatch() else { break }
            var backoff = Duration.milliseconds(50)
            var lost = false
            // Set once this batch's COMMIT is about to be sent; when its answer is lost with the
            // connection, the server is asked how that transaction ended before the batch is
            // written again (risk events and audit rows are plain INSERTs: written twice they
            // would be two rows).
            let commit = CommitInDoubt<Int>()
            while !Task.isCancelled {
                do {
                    let live: ConnectionLossGuard
                    if let existing = session, !existing.connection.isClosed {
                        live = existing
                    } else {
                        live = ConnectionLossGuard(try await target.connect(logger: logger), resources: resources)
                        session = live
                        if lost { counts.withLock { $0.statistics.reconnects += 1 } }
                    }
                    if let (transaction, written) = commit.inDoubt {
                        let done = try await TransactionStatus.committed(transaction, on: live, logger: logger)
                        commit.answered()
                        if done {
                            logger.info("the batch whose COMMIT answer was lost had committed; not writing it again", metadata: ["xid": "\(transaction)"])
                            finishBatch(written: written, refused: [])
                            break
                        }
                    }
                    do {
                        try await live.run { connection in try await self.write(batch, on: connection, commit: commit) }
                        finishBatch(written: batch.count, refused: [])
                    } catch let error where MarketDataWriter.isDataError(error) {
                        var refusedChanges: [(TradingRecordChange, String)] = []
                        var written = 0
                        for change in batch {
                            do {
                                try await live.run { connection in try await self.write([change], on: connection) }
                                written += 1
                            } catch let error where MarketDataWriter.isDataError(error) {
                                logger.error("trading record refused by the server", metadata: ["change": "\(change)", "error": "\(postgresErrorText(error))"])
                                refusedChanges.append((change, postgresErrorText(error)))
                            }
                        }
                        finishBatch(written: written, refused: refusedChanges)
                    }
                    break
                } catch {
                    lost = true
                    counts.withLock { $0.statistics.retried += 1 }
                    logger.warning("trading records not written yet; retrying", metadata: ["error": "\(postgresErrorText(error))"])
                    if let stale = session?.connection { try? await stale.close() }
                    session = nil
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
        if let connection = session?.connection { try? await connection.close() }
        await resources.waitForAbandonedWork()
    }

    private func write(_ batch: [TradingRecordChange], on connection: GuardedConnection, commit: CommitInDoubt<Int>? = nil) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await TradingRecordBatch(batch).apply(on: connection, logger: logger)
            if let commit, let transaction = try await TransactionStatus.current(on: connection, logger: logger) {
                commit.sending(transaction, outcome: batch.count)
            }
            try await connection.query("COMMIT", logger: logger)
            commit?.answered()
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func finishBatch(written: Int, refused: [(TradingRecordChange, String)]) {
        counts.withLock { counts in
            counts.statistics.written += written
            counts.statistics.refused += refused.count
            counts.refused.append(contentsOf: refused)
        }
        queue.batchDone()
    }
}
