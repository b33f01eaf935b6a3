import Analytics
import Execution
import Portfolio
import Reports
import TradingCore

/// Collects, from the records a replay's engine produces, what a backtest report needs per
/// strategy: its equity over time, its trades and when it held a position.
///
/// Equity is the portfolio's definition (allocated capital + realized + unrealized − fees), summed
/// over the strategy's latest position records: every fill and every mark (at the engine's mark
/// interval) carries the position's cumulative figures, so the series follows the portfolio
/// without a second ledger. Fed on the replay's task only (the engine's drain), read after it.
public final class ReplayCollector {
    private var capital: [StrategyName: Money] = [:]
    private var positions: [StrategyName: [PositionKey: PortfolioPositionRecord]] = [:]
    private var equity: [StrategyName: [EquityPoint]] = [:]
    private var exposure: [StrategyName: [ExposureChange]] = [:]
    private var lastOrderRow: [ClientOrderId: TradeRecord] = [:]
    private var orderSequence: [ClientOrderId] = []

    /// Collects for the engine's strategies, starting from their allocated capital.
    public init(engine: TradingEngine) {
        for name in engine.strategyNames {
            capital[name] = engine.portfolio.allocatedCapital(of: name)
            equity[name] = []
            exposure[name] = []
        }
    }

    /// Takes the records the engine just drained (in order).
    public func collect(_ records: [EngineRecord]) {
        for record in records {
            switch record {
            case .order(let row):
                remember(row)
            case .fill(let row, let position):
                remember(row)
                update(position)
            case .positionMark(let position):
                update(position)
            default:
                continue
            }
        }
    }

    private func remember(_ row: TradeRecord) {
        if lastOrderRow.updateValue(row, forKey: row.clientOrderId) == nil { orderSequence.append(row.clientOrderId) }
    }

    private func update(_ position: PortfolioPositionRecord) {
        let name = position.strategy
        let wasExposed = positions[name]?.values.contains { !$0.quantity.value.isZero } ?? false
        positions[name, default: [:]][position.key] = position
        let isExposed = positions[name]?.values.contains { !$0.quantity.value.isZero } ?? false
        if wasExposed != isExposed { exposure[name, default: []].append(ExposureChange(time: position.lastUpdated, exposed: isExposed)) }
        append(EquityPoint(time: position.lastUpdated, equity: currentEquity(of: name)), to: name)
    }

    /// One point per instant: a mark writes every position of a strategy at the same time, and
    /// only the sum after the last of them is the strategy's equity then.
    private func append(_ point: EquityPoint, to name: StrategyName) {
        var series = equity[name, default: []]
        if let last = series.last, last.time >= point.time {
            series[series.count - 1] = EquityPoint(time: last.time, equity: point.equity)
        } else {
            series.append(point)
        }
        equity[name] = series
    }

    private func currentEquity(of name: StrategyName) -> Money {
        var total = capital[name] ?? .zero
        for position in (positions[name] ?? [:]).values { total += position.realizedPnl + position.unrealizedPnl - position.fees }
        return total
    }

    /// The strategies' report sections for a replay that ran from `start` to `end` (event time):
    /// each series opens with the capital at `start` and closes at `end`.
    public func sections(from start: Timestamp, to end: Timestamp) -> [BacktestReport.Section] {
        capital.keys.sorted().map { name in
            var series = equity[name] ?? []
            let opening = capital[name] ?? .zero
            if series.first.map({ $0.time > start }) ?? true { series.insert(EquityPoint(time: start, equity: opening), at: 0) }
            if let last = series.last, last.time < end { series.append(EquityPoint(time: end, equity: last.equity)) }
            return BacktestReport.Section(name: name.rawValue, equity: series, trades: trades(of: name), exposure: exposure[name] ?? [])
        }
    }

    /// The strategy's orders that ended with some size filled, in the order they first appeared.
    public func trades(of name: StrategyName) -> [TradeResult] {
        let trades = orderSequence.compactMap { id -> TradeResult? in
            guard let row = lastOrderRow[id], row.strategy == name, row.status.isTerminal, !row.filledQuantity.value.isZero,
                  let average = row.avgFillPrice else { return nil }
            let closed = ClosedTrade(strategy: name, symbol: row.symbol, completedAt: row.completedAt ?? row.createdAt,
                                     filledQuantity: row.filledQuantity, avgFillPrice: average, commission: row.commission,
                                     commissionAsset: row.commissionAsset ?? row.symbol.quote, realizedPnl: row.realizedPnl,
                                     contractValue: nil)
            return TradeResult(strategy: name.rawValue, symbol: row.symbol.symbol, side: row.side, completedAt: closed.completedAt,
                               quantity: row.filledQuantity, averagePrice: average, fee: closed.commissionInQuote,
                               realizedPnl: row.realizedPnl, fillModel: row.fillModel?.rawValue)
        }
        // By completion; orders completed in the same instant keep the order they were sent in.
        return trades.enumerated().sorted { ($0.element.completedAt, $0.offset) < ($1.element.completedAt, $1.offset) }.map(\.element)
    }

    /// The whole report: every strategy, and their total.
    public func report(title: String, facts: [String], from start: Timestamp, to end: Timestamp) -> BacktestReport {
        BacktestReport(title: title, facts: facts, strategies: sections(from: start, to: end))
    }
}
