import DataQuality
import Execution
import Foundation
import Portfolio
import Risk
import Storage
import TradingCore

/// Turns the engine's domain records into the database's rows. Stateful only in one respect: a
/// one-way (net) position that flips from long to short is stored as two rows (the seed's
/// positions are unique per strategy, symbol and side), so the row of the old side is written
/// flat when the position moves to the other side.
struct RecordMapping {
    /// Strategy ids by name, from the strategies table.
    let strategyIds: [StrategyName: UUID]
    /// The mode the rows are written in; a replay never changes a deployed strategy's status.
    let mode: TradingMode
    private var written: [PositionKey: Written] = [:]
    /// Each open order's row id, for the same reason as ``Written/ids``: an order's rows are
    /// upserted by its client order id, and keep the id of the first.
    private var orderRowIds: [ClientOrderId: UUID] = [:]

    private struct PositionKey: Hashable {
        var strategy: StrategyName
        var symbol: InstrumentId
        var positionSide: PositionSide
        var mode: TradingMode
    }

    /// What was last written for a position: the side its row is on, and the id of each side's
    /// row. The upsert keeps a row's first id, so a position's rows reuse theirs: a new random
    /// UUID per row cost a system call each.
    private struct Written {
        var side: PositionSide
        var ids: [PositionSide: UUID]
    }

    init(strategyIds: [StrategyName: UUID], mode: TradingMode) {
        self.strategyIds = strategyIds
        self.mode = mode
    }

    enum Row {
        case trading(TradingRecordChange)
        case market(MarketDataRow)
    }

    /// The rows for one engine record; empty when it concerns no known strategy.
    mutating func rows(for record: EngineRecord) -> [Row] {
        switch record {
        case .order(let trade):
            guard let row = tradeRow(trade) else { return [] }
            return [.trading(.trade(row, position: nil))]
        case .fill(let trade, let position):
            guard let tradeRow = tradeRow(trade) else { return [] }
            var positions = positionRows(position)
            let main = positions.isEmpty ? nil : positions.removeLast()
            return [.trading(.trade(tradeRow, position: main))] + positions.map { .trading(.position($0)) }
        case .positionMark(let position):
            return positionRows(position).map { .trading(.position($0)) }
        case .equity:
            // No table keeps equity between the positions and the daily rollups.
            return []
        case .risk(let output):
            var rows: [Row] = []
            if let event = output.riskEvent { rows.append(.trading(.riskEvent(riskEventRow(event)))) }
            if let audit = output.auditRecord { rows.append(.trading(.audit(auditRow(audit)))) }
            if mode != .replay, case .transition(let transition) = output, let status = Self.status(transition.to) {
                rows.append(.trading(.strategyStatus(transition.strategy, status)))
            }
            return rows
        case .performance(let day):
            guard let id = strategyIds[day.strategy] else { return [] }
            return [.trading(.performance(StrategyPerformanceRecord(
                strategyId: id, day: day.date.start, mode: day.mode, totalTrades: day.totalTrades,
                winningTrades: day.winningTrades, losingTrades: day.losingTrades, totalPnl: day.totalPnl,
                totalCommission: day.totalCommission, netPnl: day.netPnl, returnPct: day.returnPct,
                sharpeRatio: day.sharpeRatio, maxDrawdown: day.maxDrawdown,
                // The portfolio states the win rate in percent; the table keeps a fraction (0...1).
                winRate: day.winRate.flatMap { try? $0.divided(by: FixedPoint(100)) }, avgWin: day.avgWin,
                avgLoss: day.avgLoss, profitFactor: day.profitFactor, totalVolume: day.totalVolume)))]
        case .tick(let trade):
            return [.market(.tick(trade))]
        case .candle(let candle):
            return [.market(.candle(candle))]
        case .qualityMetric(let metric):
            return [.market(.metric(SystemMetricRecord(timestamp: metric.timestamp, category: metric.category, name: metric.name,
                                                       value: metric.value, unit: metric.unit, tags: Self.json(metric.tags))))]
        }
    }

    private mutating func tradeRow(_ trade: Execution.TradeRecord) -> Storage.TradeRecord? {
        guard let strategyId = strategyIds[trade.strategy] else { return nil }
        let id = orderRowIds[trade.clientOrderId] ?? UUID()
        orderRowIds[trade.clientOrderId] = trade.status.isTerminal ? nil : id
        return Storage.TradeRecord(
            id: id, venueOrderId: trade.venueOrderId, clientOrderId: trade.clientOrderId, strategyId: strategyId, instrument: trade.symbol,
            side: trade.side, orderType: trade.orderType, positionSide: trade.positionSide, quantity: trade.quantity,
            price: trade.price, avgFillPrice: trade.avgFillPrice, filledQuantity: trade.filledQuantity,
            commission: trade.commission, commissionAsset: trade.commissionAsset, realizedPnl: trade.realizedPnl,
            slippageBps: trade.slippageBps, status: trade.status, rejectReason: trade.rejectReason,
            createdAt: trade.createdAt, submittedAt: trade.submittedAt, firstFillAt: trade.firstFillAt,
            completedAt: trade.completedAt,
            // The decision time is the exchange's clock and the venue's is ours; a skew between
            // them must not make a latency negative (the table refuses that), and a replay whose
            // clock jumps between recordings months apart must not overflow the integer column.
            latencyMs: trade.latencyMs.map(Self.milliseconds), totalLatencyMs: trade.totalLatencyMs.map(Self.milliseconds),
            mode: trade.mode, notes: trade.notes)
    }

    /// The row of the position's side, preceded by a flat row for the side it left (if it flipped).
    private mutating func positionRows(_ position: PortfolioPositionRecord) -> [Storage.PositionRecord] {
        guard let id = strategyIds[position.strategy] else { return [] }
        let side = position.positionSide == .net ? position.side : position.positionSide
        let key = PositionKey(strategy: position.strategy, symbol: position.symbol, positionSide: position.positionSide, mode: position.mode)
        var seen = written[key] ?? Written(side: side, ids: [:])
        func row(side: PositionSide, quantity: Quantity, unrealized: Money) -> Storage.PositionRecord {
            let rowId = seen.ids[side] ?? UUID()
            seen.ids[side] = rowId
            return Storage.PositionRecord(
                id: rowId, strategyId: id, instrument: position.symbol, side: side, quantity: quantity,
                avgEntryPrice: position.avgEntryPrice, currentPrice: position.currentPrice, unrealizedPnl: unrealized,
                realizedPnl: position.realizedPnl, margin: position.margin, leverage: position.leverage,
                liquidationPrice: position.liquidationPrice, openedAt: position.openedAt ?? position.lastUpdated,
                lastUpdated: position.lastUpdated, mode: position.mode)
        }
        var rows: [Storage.PositionRecord] = []
        if seen.side != side {
            rows.append(row(side: seen.side, quantity: .zero, unrealized: .zero))
            seen.side = side
        }
        rows.append(row(side: side, quantity: position.quantity, unrealized: position.unrealizedPnl))
        written[key] = seen
        return rows
    }

    private func riskEventRow(_ event: RiskEvent) -> RiskEventRecord {
        RiskEventRecord(eventType: event.eventType.rawValue, severity: Storage.RiskSeverity(rawValue: event.severity.rawValue) ?? .warning,
                        strategyId: event.strategy.flatMap { strategyIds[$0] }, symbol: event.symbol,
                        description: event.description, metricName: event.metricName, metricValue: event.metricValue,
                        thresholdValue: event.thresholdValue, actionTaken: event.actionTaken, createdAt: event.createdAt,
                        mode: event.eventType == .killSwitch ? nil : mode)
    }

    private func auditRow(_ audit: AuditRecord) -> AuditLogRecord {
        AuditLogRecord(userId: nil, action: audit.action, resourceType: audit.resourceType, resourceId: audit.resourceId,
                       oldValue: audit.oldValue.jsonText, newValue: audit.newValue.jsonText,
                       userAgent: audit.user.map { "\(audit.actor) (\($0))" } ?? audit.actor,
                       success: audit.success, errorMessage: audit.errorMessage, createdAt: audit.createdAt)
    }

    static func status(_ state: StrategyTradingState) -> StrategyStatus? {
        switch state {
        case .active: nil // an operator resumes; the host never loosens on its own
        case .reducing: .reducingOnly
        case .halted: .halted
        case .paused: .paused
        case .stopped: .stopped
        }
    }

    static func milliseconds(_ value: Int) -> Int { min(max(0, value), Int(Int32.max)) }

    static func json(_ tags: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: tags, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
