import Foundation
import Logging
import PostgresNIO
import Risk
import Storage
import TradingCore

/// Keeps the post-trade risk monitors' equity marks (peak equity, the day's opening equity, the
/// last equity) in `strategy_risk_monitors`, so that a restarted paper or live host restores them
/// (see ``HostLauncher``) instead of starting each strategy's drawdown from a fresh peak.
///
/// The host hands over the engine's current monitor states every heartbeat and once more after
/// the strategies stopped; ``record(_:at:)`` never waits on the database. Only the newest states
/// matter, so a hand-over not yet written is replaced by the next one, and only the rows that
/// changed since the last write are written. Writes use a connection of the recorder's own,
/// reconnecting after a failure; what could not be written is tried again with the next hand-over.
public final class RiskMonitorRecorder: Sendable {
    /// One strategy's monitor state and the allocated capital its equity marks include.
    public struct Entry: Sendable, Hashable {
        public var monitors: MonitorState
        public var allocatedCapital: Money
        public init(monitors: MonitorState, allocatedCapital: Money) {
            self.monitors = monitors
            self.allocatedCapital = allocatedCapital
        }
    }

    private struct Batch: Sendable {
        var entries: [StrategyName: Entry]
        var time: Timestamp
    }

    private let target: DatabaseTarget
    private let strategyIds: [StrategyName: UUID]
    private let mode: TradingMode
    private let logger: Logger
    private let batches: AsyncStream<Batch>
    private let continuation: AsyncStream<Batch>.Continuation

    /// A recorder for the strategies with these row ids, in `mode` (live or paper).
    public init(target: DatabaseTarget, strategyIds: [StrategyName: UUID], mode: TradingMode, logger: Logger) {
        self.target = target
        self.strategyIds = strategyIds
        self.mode = mode
        self.logger = logger
        (batches, continuation) = AsyncStream.makeStream(of: Batch.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Hands over the monitors' states at `time` (wall time); returns at once.
    public func record(_ entries: [StrategyName: Entry], at time: Timestamp) {
        continuation.yield(Batch(entries: entries, time: time))
    }

    /// The engine's current monitor states of `strategies` (the host's loop calls this).
    public func record(from engine: TradingEngine, strategies: [StrategyName], at time: Timestamp) {
        var entries: [StrategyName: Entry] = [:]
        for name in strategies {
            guard let snapshot = engine.risk.snapshot(of: name) else { continue }
            entries[name] = Entry(monitors: snapshot.monitors, allocatedCapital: engine.portfolio.allocatedCapital(of: name))
        }
        record(entries, at: time)
    }

    /// Writes hand-overs until ``finish()``, the last one included.
    public func run() async {
        var written: [StrategyName: Entry] = [:]
        var connection: PostgresConnection?
        for await batch in batches {
            let changed = batch.entries.filter { written[$0.key] != $0.value }
            guard !changed.isEmpty else { continue }
            do {
                let session: PostgresConnection
                if let connection { session = connection } else {
                    session = try await target.connect(logger: logger)
                    connection = session
                }
                for (name, entry) in changed.sorted(by: { $0.key < $1.key }) {
                    guard let id = strategyIds[name] else { continue }
                    try await RiskMonitorRepository(session).upsert(Self.row(entry, strategy: id, mode: mode, at: batch.time))
                    written[name] = entry
                }
            } catch {
                logger.warning("risk monitor state not written; retrying with the next heartbeat", metadata: ["error": "\(error)"])
                try? await connection?.close()
                connection = nil
            }
        }
        try? await connection?.close()
    }

    /// Lets ``run()`` return once the last hand-over is written.
    public func finish() { continuation.finish() }

    /// The row of one strategy's monitor state.
    static func row(_ entry: Entry, strategy: UUID, mode: TradingMode, at time: Timestamp) -> RiskMonitorRecord {
        let state = entry.monitors
        return RiskMonitorRecord(strategyId: strategy, mode: mode, utcDay: state.dayOpenEquity == nil ? nil : state.utcDay,
                                 dayOpenEquity: state.utcDay == nil ? nil : state.dayOpenEquity, lastEquity: state.lastEquity,
                                 peakEquity: state.peakEquity, allocatedCapital: entry.allocatedCapital, updatedAt: time)
    }

    /// The monitor state a restarted host starts from: the persisted equity marks, moved by the
    /// change of allocated capital since they were taken (equity is capital plus PnL: a
    /// redeployment with more or less capital must not read as a gain or a drawdown), and the run
    /// of losing trades counted from the trades table.
    static func state(from row: RiskMonitorRecord?, allocatedCapital: Money, consecutiveLosses: Int) -> MonitorState {
        guard let row else { return MonitorState(consecutiveLosses: consecutiveLosses) }
        let shift = allocatedCapital - row.allocatedCapital
        return MonitorState(utcDay: row.utcDay, dayOpenEquity: row.dayOpenEquity.map { $0 + shift },
                            lastEquity: row.lastEquity.map { $0 + shift }, peakEquity: row.peakEquity.map { $0 + shift },
                            consecutiveLosses: consecutiveLosses)
    }
}
