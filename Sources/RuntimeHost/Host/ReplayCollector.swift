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
    /// One strategy's series. A class, so that appending to a long series in the dictionary
    /// mutates it in place instead of copying it.
    private final class Track {
        let capital: Money
        /// What the latest record of each position the strategy holds adds to its equity (a few:
        /// one per instrument and side), searched in place rather than hashed by key at every mark.
        var positions: [Held] = []
        var equity: [EquityPoint] = []
        var exposure: [ExposureChange] = []
        var exposed = false

        init(capital: Money) { self.capital = capital }
    }

    /// A position's part of its strategy's equity, from its latest record. Only the figures:
    /// keeping the whole record would copy its texts in at every mark.
    private struct Held {
        let symbol: InstrumentId
        let positionSide: PositionSide
        var equity: Money
        var exposed: Bool
    }

    private var tracks: [StrategyName: Track] = [:]
    /// The track updated last: marks come strategy by strategy.
    private var lastTrack: (name: StrategyName, track: Track)?
    /// Each order's latest row, in the order the orders first appeared. The rows are large: kept
    /// in an array, they are moved as bytes when it grows, and only the index is rehashed.
    private var orderRows: [TradeRecord] = []
    private var orderRowIndex: [ClientOrderId: Int] = [:]

    /// Collects for the engine's strategies, starting from their allocated capital.
    public init(engine: TradingEngine) {
        for name in engine.strategyNames { tracks[name] = Track(capital: engine.portfolio.allocatedCapital(of: name)) }
    }

    /// Takes the records the engine just drained (in order).
    public func collect(_ records: [EngineRecord]) {
        // By position: a loop over the records would copy each whole record out first.
        for index in records.indices {
            switch records[index] {
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
        if let index = orderRowIndex[row.clientOrderId] {
            orderRows[index] = row
        } else {
            orderRowIndex[row.clientOrderId] = orderRows.count
            orderRows.append(row)
        }
    }

    private func track(of name: StrategyName) -> Track? {
        if let lastTrack, lastTrack.name == name { return lastTrack.track }
        guard let track = tracks[name] else { return nil }
        lastTrack = (name, track)
        return track
    }

    private func update(_ position: PortfolioPositionRecord) {
        guard let track = track(of: position.strategy) else { return }
        let held = Held(symbol: position.symbol, positionSide: position.positionSide,
                        equity: position.realizedPnl + position.unrealizedPnl - position.fees, exposed: !position.quantity.value.isZero)
        if let index = track.positions.firstIndex(where: { $0.symbol == held.symbol && $0.positionSide == held.positionSide }) {
            track.positions[index] = held
        } else {
            track.positions.append(held)
        }
        var equity = track.capital
        var exposed = false
        for held in track.positions {
            equity += held.equity
            if held.exposed { exposed = true }
        }
        if exposed != track.exposed {
            track.exposed = exposed
            track.exposure.append(ExposureChange(time: position.lastUpdated, exposed: exposed))
        }
        // One point per instant: a mark writes every position of a strategy at once, and only the
        // sum after the last of them is the strategy's equity then. A mark record carries the time
        // its price last changed, which can be before a fill already in the series: the series
        // never goes back in time.
        if let last = track.equity.last, last.time >= position.lastUpdated {
            track.equity[track.equity.count - 1] = EquityPoint(time: last.time, equity: equity)
        } else {
            track.equity.append(EquityPoint(time: position.lastUpdated, equity: equity))
        }
    }

    /// The strategies' report sections for a replay that ran from `start` to `end` (event time):
    /// each series opens with the capital at `start` and closes at `end`.
    public func sections(from start: Timestamp, to end: Timestamp) -> [BacktestReport.Section] {
        tracks.keys.sorted().compactMap { name in
            guard let track = tracks[name] else { return nil }
            var series = track.equity
            if series.first.map({ $0.time > start }) ?? true { series.insert(EquityPoint(time: start, equity: track.capital), at: 0) }
            if let last = series.last, last.time < end { series.append(EquityPoint(time: end, equity: last.equity)) }
            return BacktestReport.Section(name: name.rawValue, equity: series, trades: trades(of: name), exposure: track.exposure)
        }
    }

    /// The strategy's orders that ended with some size filled, in the order they first appeared.
    public func trades(of name: StrategyName) -> [TradeResult] {
        let trades = orderRows.compactMap { row -> TradeResult? in
            guard row.strategy == name, row.status.isTerminal, !row.filledQuantity.value.isZero,
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
