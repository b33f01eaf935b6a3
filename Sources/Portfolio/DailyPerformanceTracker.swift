import TradingCore

/// Collects each strategy's closed trades and equity samples for the current UTC date and
/// rolls them up into ``DailyPerformance`` rows when event time crosses midnight (so replays
/// roll up too), or for the partial day on shutdown.
///
/// After a restart mid-day, feed the day's closed trades back from the `trades` table with
/// ``record(_:)-(ClosedTrade)`` before new ones, so the day's row is complete when it is
/// upserted again; equity samples are not persisted, so the day's return, drawdown and Sharpe
/// then start from the first sample after the restart. Event time never goes back in the host,
/// so a trade or sample stamped on a date already rolled up is ignored.
public struct DailyPerformanceTracker: Sendable {
    public let mode: TradingMode
    /// The date being collected; nil before the first event.
    public private(set) var currentDate: UTCDate?
    private var trades: [ClosedTrade] = []
    private var samples: [EquitySample] = []
    /// Each strategy's equity at the end of the previous collected date.
    private var carriedEquity: [StrategyName: Money] = [:]
    /// The strategies with a trade or sample on the current date: a handful, so a list is
    /// cheaper to keep than a set (a sample arrives every mark interval).
    private var strategies: [StrategyName] = []

    public init(mode: TradingMode) { self.mode = mode }

    /// Moves event time to `time`; returns the rows of every date that ended (one per strategy
    /// that traded or was sampled on it), sorted by strategy.
    public mutating func advance(to time: Timestamp) -> [DailyPerformance] {
        let date = UTCDate(containing: time)
        guard let current = currentDate else {
            currentDate = date
            return []
        }
        guard date > current else { return [] }
        let rows = rollUp(current, periodEnd: current.end)
        for strategy in strategies {
            if let last = samples.last(where: { $0.strategy == strategy }) { carriedEquity[strategy] = last.equity }
        }
        trades.removeAll(keepingCapacity: true)
        samples.removeAll(keepingCapacity: true)
        strategies.removeAll(keepingCapacity: true)
        currentDate = date
        return rows
    }

    /// Adds a trade that completed (rolling up earlier dates first if it is on a later one).
    public mutating func record(_ trade: ClosedTrade) -> [DailyPerformance] {
        let rows = advance(to: trade.completedAt)
        guard currentDate.map({ UTCDate(containing: trade.completedAt) == $0 }) == true else { return rows }
        trades.append(trade)
        if !strategies.contains(trade.strategy) { strategies.append(trade.strategy) }
        return rows
    }

    /// Adds an equity sample (rolling up earlier dates first if it is on a later one).
    public mutating func record(_ sample: EquitySample) -> [DailyPerformance] {
        let rows = advance(to: sample.timestamp)
        guard currentDate.map({ UTCDate(containing: sample.timestamp) == $0 }) == true else { return rows }
        samples.append(sample)
        if !strategies.contains(sample.strategy) { strategies.append(sample.strategy) }
        return rows
    }

    /// The current date's rows up to `time` (shutdown), marked partial; collection continues.
    public func partialDay(until time: Timestamp) -> [DailyPerformance] {
        guard let currentDate else { return [] }
        return rollUp(currentDate, periodEnd: time)
    }

    private func rollUp(_ date: UTCDate, periodEnd: Timestamp) -> [DailyPerformance] {
        strategies.sorted().map { strategy in
            DailyPerformance.compute(strategy: strategy, date: date, trades: trades, samples: samples,
                                     openingEquity: carriedEquity[strategy], periodEnd: periodEnd, mode: mode)
        }
    }
}
