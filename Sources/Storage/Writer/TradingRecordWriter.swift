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
/// (backpressure) instead of dropping. `run()` writes changes in order, several per transaction;
/// while the server is away it keeps the changes and reconnects with exponential backoff. A
/// change the server refuses outright (e.g. a trade whose strategy row does not exist) cannot be
/// written by retrying: it is logged, kept in `refused` and counted, and the rest go on.
public final class TradingRecordWriter: Sendable {
    /// What happened so far.
    public struct Statistics: Sendable, Equatable {
        public var written = 0
        public var retried = 0
        public var refused = 0
        public var pending = 0
        public var reconnects = 0
    }

    private struct State {
        var queue: [TradingRecordChange] = []
        var inFlight = 0
        var statistics = Statistics()
        var refused: [(TradingRecordChange, String)] = []
        var drainWaiter: CheckedContinuation<Void, Never>?
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var finishing = false
    }

    private let target: DatabaseTarget
    private let capacity: Int
    private let batchSize: Int
    private let logger: Logger
    private let state = Mutex(State())

    public init(target: DatabaseTarget, capacity: Int = 50_000, batchSize: Int = 200,
                logger: Logger = Logger(label: "storage.trading-record-writer")) {
        self.target = target
        self.capacity = capacity
        self.batchSize = batchSize
        self.logger = logger
    }

    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.queue.count + state.inFlight
            return statistics
        }
    }

    /// Changes the server refused, with its reason.
    public var refused: [(change: TradingRecordChange, reason: String)] {
        state.withLock { $0.refused.map { (change: $0.0, reason: $0.1) } }
    }

    /// Validates and queues a change, waiting for room when the queue is full.
    public func submit(_ change: TradingRecordChange) async throws(StorageError) {
        try change.validate()
        while true {
            let (appended, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard state.queue.count < capacity else { return (false, nil) }
                state.queue.append(change)
                defer { state.drainWaiter = nil }
                return (true, state.drainWaiter)
            }
            if appended { waiter?.resume(); return }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.queue.count < capacity { return true }
                    state.spaceWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Waits until everything submitted so far is written (or refused).
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

    /// Asks `run()` to return once everything is written.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finishing = true
            defer { state.drainWaiter = nil }
            return state.drainWaiter
        }
        waiter?.resume()
    }

    /// Writes queued changes until `finish()` and an empty queue, or cancellation.
    public func run() async {
        var session: ConnectionLossGuard?
        defer { if let connection = session?.connection { Task { try? await connection.close() } } }
        while !Task.isCancelled {
            guard let batch = await nextBatch() else { break }
            var backoff = Duration.milliseconds(50)
            var lost = false
            while !Task.isCancelled {
                do {
                    let live: ConnectionLossGuard
                    if let existing = session, !existing.connection.isClosed {
                        live = existing
                    } else {
                        live = ConnectionLossGuard(try await target.connect(logger: logger))
                        session = live
                        if lost { state.withLock { $0.statistics.reconnects += 1 } }
                    }
                    do {
                        try await live.run { connection in try await self.write(batch, on: connection) }
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
                    state.withLock { $0.statistics.retried += 1 }
                    logger.warning("trading records not written yet; retrying", metadata: ["error": "\(postgresErrorText(error))"])
                    if let stale = session?.connection { try? await stale.close() }
                    session = nil
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }

    private func write(_ batch: [TradingRecordChange], on connection: PostgresConnection) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            for change in batch {
                do { try await change.apply(on: connection) } catch {
                    // Surface the server's own error so the caller can classify it.
                    throw error
                }
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func nextBatch() async -> [TradingRecordChange]? {
        while true {
            let (batch, finished, spaceWaiters) = state.withLock { state -> ([TradingRecordChange]?, Bool, [CheckedContinuation<Void, Never>]) in
                if state.queue.isEmpty { return (nil, state.finishing, []) }
                let count = min(batchSize, state.queue.count)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                state.inFlight = count
                defer { state.spaceWaiters.removeAll() }
                return (batch, false, state.spaceWaiters)
            }
            for waiter in spaceWaiters { waiter.resume() }
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

    private func finishBatch(written: Int, refused: [(TradingRecordChange, String)]) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight = 0
            state.statistics.written += written
            state.statistics.refused += refused.count
            state.refused.append(contentsOf: refused)
            guard state.queue.isEmpty else { return [] }
            defer { state.idleWaiters.removeAll() }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
