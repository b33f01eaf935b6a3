import Analytics
import Execution
import Portfolio
import Reports
import TradingCore

/// Collects, from the records a replay's engine produces, what a backtest report needs per
/// strategy: its equity over time, its trades and when it held a position.
///
/// Equity is the portfolio's own figure (allocated capital + realized + unrealized − fees), which
/// the engine records at every mark interval and after every fill (``EngineRecord/equity(_:)``):
/// the series follows the portfolio without a second ledger. When the strategy held a position
/// comes from the positions its fills leave. Fed on the replay's task only (the engine's drain),
/// read after it.
public final class ReplayCollector {
    /// One strategy's series. A class, so that appending to a long series in the dictionary
    /// mutates it in place instead of copying it.
    private final class Track {
        let capital: Money
        /// The positions the strategy holds or held (a few: one per instrument and side), and
        /// whether each is open; searched in place rather than hashed by key at every fill.
        var positions: [Held] = []
        var equity: [EquityPoint] = []
        var exposure: [ExposureChange] = []
        var exposed = false

        init(capital: Money) { self.capital = capital }
    }

    /// Whether one of a strategy's positions is open.
    private struct Held {
        let symbol: InstrumentId
        let positionSide: PositionSide
        var open: Bool
    }

    /// The records the collector reads.
    public static let recordsRead: EngineRecord.Kinds = [.trading, .equity]

    private var tracks: [StrategyName: Track] = [:]
    /// The track updated last: records come strategy by strategy.
    private var lastTrack: (name: StrategyName, track: Track)?
    /// Each order's latest row, in the order the orders first appeared. The rows are large: kept
    /// in an array, they are moved as bytes when it grows, and only the index is rehashed.
    private var orderRows: [TradeRecord] = []
    private var orderRowIndex: [ClientOrderId: Int] = [:]

    /// Collects for the engine's strategies, starting from their allocated capital and the
    /// positions the engine holds already (restored at a restart).
    public init(engine: TradingEngine) {
        for name in engine.strategyNames { tracks[name] = Track(capital: engine.portfolio.allocatedCapital(of: name)) }
        for position in engine.portfolio.positions.values.sorted(by: { $0.key < $1.key }) {
            hold(position.key.strategy, position.key.instrument, position.key.positionSide,
                 open: !position.signedQuantity.isZero, at: position.lastUpdated)
        }
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
                hold(position.strategy, position.symbol, position.positionSide, open: !position.quantity.value.isZero,
                     at: position.lastUpdated)
            case .equity(let sample):
                record(sample)
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

    /// Notes whether a position is open after a fill, and when the strategy starts or stops
    /// holding any.
    private func hold(_ strategy: StrategyName, _ symbol: InstrumentId, _ positionSide: PositionSide, open: Bool, at time: Timestamp) {
        guard let track = track(of: strategy) else { return }
        if let index = track.positions.firstIndex(where: { $0.symbol == symbol && $0.positionSide == positionSide }) {
            track.positions[index].open = open
        } else {
            track.positions.append(Held(symbol: symbol, positionSide: positionSide, open: open))
        }
        let exposed = track.positions.contains { $0.open }
        if exposed != track.exposed {
            track.exposed = exposed
            track.exposure.append(ExposureChange(time: time, exposed: exposed))
        }
    }

    private func record(_ sample: EquitySample) {
        guard let track = track(of: sample.strategy) else { return }
        // Equity is a step function between points: a sample that changes nothing adds nothing.
        // One point per instant: a fill and the mark after it can share a time, and only the
        // latest is the strategy's equity then.
        if let last = track.equity.last {
            if last.time >= sample.timestamp {
                track.equity[track.equity.count - 1] = EquityPoint(time: last.time, equity: sample.equity)
                return
            }
            if last.equity == sample.equity { return }
        }
        track.equity.append(EquityPoint(time: sample.timestamp, equity: sample.equity))
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
