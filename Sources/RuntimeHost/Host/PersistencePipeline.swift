import Foundation
import Logging
import Storage
import TradingCore

/// The engine's way to the database, off the hot path: market data through the batching writer
/// (bounded; drops are counted, never blocking), trading records through the trading writer
/// (never dropped; a full queue makes the caller wait). The writers' loops run in ``run()``.
public final class PersistencePipeline {
    public let trading: TradingRecordWriter
    public let market: MarketDataWriter
    /// The risk monitors' equity marks, for a restart to resume them (live and paper; nil in a
    /// replay, which starts fresh). Its loop runs apart from the writers': see ``RiskMonitorRecorder``.
    public let riskMonitors: RiskMonitorRecorder?
    private var mapping: RecordMapping
    /// The records the writers write (``RecordMapping``): a replay into the database keeps no other.
    public static let recordsRead: EngineRecord.Kinds = [.trading, .positionMarks, .dailyRollups]
    private let logger: Logger
    /// Rows the writers refused before sending (a constraint the row would break); logged.
    public private(set) var refusedBeforeSending = 0
    /// Per table, the time before which market rows are not written (a replay of old data would
    /// only feed them to retention, which drops them as they land); nil: every row is written.
    public var keepMarketRowsFrom: [String: Timestamp]?
    /// Market rows not written because they were already past their table's retention, by table.
    public private(set) var skippedPastRetention: [String: Int] = [:]
    /// Whether market rows (ticks, candles, metrics) are written at all. A persisted sweep turns
    /// it off: every combination replays the same market data, and writing it once per
    /// combination would only repeat the same rows (`runtime replay` stores it).
    public var writesMarketData = true
    /// Whether the audit_logs rows of the risk engine's state changes are written. A persisted
    /// sweep turns it off: its operator may be a trader, whom the database lets write replay
    /// rows but no audit row of their own making (013), so such a row would be refused and the
    /// combination reported as failed; a simulated halt is not something anyone did to the
    /// system, and its risk_events row (mode=replay) still records the decision.
    public var writesRiskAuditRows = true

    public init(target: DatabaseTarget, strategyIds: [StrategyName: UUID], mode: TradingMode,
                settings: DatabaseSettings = DatabaseSettings(), logger: Logger) {
        // A replay has no one waiting on a fill's row, so its records are committed in large groups
        // (a crash loses at most the uncommitted groups, which a rerun writes again); paper and
        // live commit what is queued as soon as it is (a batch of one when the database keeps up).
        self.trading = TradingRecordWriter(target: target, capacity: settings.tradingRecordQueueCapacity,
                                           batchSize: mode == .replay ? Self.replayBatchSize : 200, logger: logger)
        self.market = MarketDataWriter(target: target, configuration: settings.marketDataWriter, logger: logger)
        self.mapping = RecordMapping(strategyIds: strategyIds, mode: mode)
        self.riskMonitors = mode == .replay ? nil : RiskMonitorRecorder(target: target, strategyIds: strategyIds, mode: mode, logger: logger)
        self.logger = logger
    }

    /// Trading-record changes per transaction in a replay.
    static let replayBatchSize = 4096

    /// Trading records refused so far, before sending or by the server.
    public var refusedRecords: Int { refusedBeforeSending + trading.statistics.refused }

    /// The strategies' ids (strategies.id), by name.
    public var strategyIds: [StrategyName: UUID] { mapping.strategyIds }

    /// Queues the rows of these records, in order.
    public func submit(_ records: [EngineRecord]) async {
        // Market rows come in runs of one table: the table's cutoff is looked up once per run
        // rather than hashed for every row.
        var cutoffTable = "", cutoff: Timestamp?
        for record in records {
            for row in mapping.rows(for: record) {
                switch row {
                case .market(let marketRow):
                    guard writesMarketData else { continue }
                    let table = marketRow.table
                    if table != cutoffTable { (cutoffTable, cutoff) = (table, keepMarketRowsFrom?[table]) }
                    if let cutoff, marketRow.time < cutoff {
                        skippedPastRetention[table, default: 0] += 1
                        continue
                    }
                    if case .rejected(let error) = market.submit(marketRow) {
                        refusedBeforeSending += 1
                        logger.warning("market-data row refused", metadata: ["reason": "\(error)"])
                    }
                case .trading(let change):
                    if !writesRiskAuditRows, case .audit = change { continue }
                    do {
                        try await trading.submit(change)
                    } catch {
                        refusedBeforeSending += 1
                        logger.error("trading record refused before sending", metadata: ["reason": "\(error)"])
                    }
                }
            }
        }
    }

    /// Waits until everything queued so far is written.
    public func flush() async {
        await market.flush()
        await trading.flush()
    }

    /// Runs both writers until ``finish()`` and empty queues.
    public func run() async {
        await Self.run(trading, market)
    }

    /// Runs these writers until they are finished (for a task that must not capture the pipeline).
    public static func run(_ trading: TradingRecordWriter, _ market: MarketDataWriter) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await trading.run() }
            group.addTask { await market.run() }
        }
    }

    /// Lets ``run()`` return once everything queued is written.
    public func finish() {
        trading.finish()
        market.finish()
    }
}
