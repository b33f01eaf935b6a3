import Analytics
import TradingCore

/// What a report shows of one backtest: one section per strategy and one for all of them
/// together, each with its equity series, trades, exposure and statistics. The host fills it
/// from what a replay produced; ``HTMLReport`` renders it.
public struct BacktestReport: Sendable {
    /// One strategy, or the total.
    public struct Section: Sendable {
        /// The strategy's name, or `all strategies`.
        public var name: String
        /// Equity over event time, from the replay's first event to its last.
        public var equity: [EquityPoint]
        /// The orders that ended with some size filled, by completion time.
        public var trades: [TradeResult]
        /// When a position was held.
        public var exposure: [ExposureChange]
        /// Computed from the above (``PerformanceStatistics/compute(equity:trades:exposure:riskFreeRate:)``).
        public var statistics: PerformanceStatistics

        /// A section whose statistics are computed from its series and trades.
        public init(name: String, equity: [EquityPoint], trades: [TradeResult], exposure: [ExposureChange], riskFreeRate: Double = 0) {
            self.name = name
            self.equity = equity
            self.trades = trades
            self.exposure = exposure
            statistics = PerformanceStatistics.compute(equity: equity, trades: trades, exposure: exposure, riskFreeRate: riskFreeRate)
        }
    }

    /// The page's heading.
    public var title: String
    /// Lines under the heading: the files replayed, the period, fill models.
    public var facts: [String]
    /// One per strategy, in name order.
    public var strategies: [Section]
    /// All strategies together: equity summed, trades merged, exposed while any strategy was.
    public var total: Section

    /// A report with its total given.
    public init(title: String, facts: [String], strategies: [Section], total: Section) {
        self.title = title
        self.facts = facts
        self.strategies = strategies
        self.total = total
    }

    /// The report of `strategies`, with their total computed.
    public init(title: String, facts: [String], strategies: [Section], riskFreeRate: Double = 0) {
        let sorted = strategies.sorted { $0.name < $1.name }
        let trades = sorted.flatMap(\.trades).sorted { ($0.completedAt, $0.strategy) < ($1.completedAt, $1.strategy) }
        let total = Section(name: "all strategies", equity: EquitySeries.sum(sorted.map(\.equity)), trades: trades,
                            exposure: Self.anyExposed(sorted.map(\.exposure)), riskFreeRate: riskFreeRate)
        self.init(title: title, facts: facts, strategies: sorted, total: total)
    }

    /// Exposed while any of the series is.
    static func anyExposed(_ series: [[ExposureChange]]) -> [ExposureChange] {
        var events: [(Timestamp, Int, Bool)] = []
        for (index, changes) in series.enumerated() { for change in changes { events.append((change.time, index, change.exposed)) } }
        events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var exposed = Set<Int>()
        var result: [ExposureChange] = []
        for (time, index, isExposed) in events {
            let before = !exposed.isEmpty
            if isExposed { exposed.insert(index) } else { exposed.remove(index) }
            if before != !exposed.isEmpty { result.append(ExposureChange(time: time, exposed: !exposed.isEmpty)) }
        }
        return result
    }
}

extension BacktestReport {
    /// Every section's statistics by strategy name, the total under `total`.
    public var statisticsByName: [String: PerformanceStatistics] {
        var result = ["total": total.statistics]
        for section in strategies { result[section.name] = section.statistics }
        return result
    }
}
