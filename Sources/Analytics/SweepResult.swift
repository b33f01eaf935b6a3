/// One combination of a parameter sweep and what became of it.
public struct SweepResult: Hashable, Sendable {
    /// What happened to the combination.
    public enum Outcome: Hashable, Sendable {
        /// Replayed; the statistics of all its strategies together.
        case ran(PerformanceStatistics)
        /// The strategy's own validation refused the parameters (the reason is the strategy's).
        case refused(String)
        /// The replay itself failed (e.g. a bad line in a file).
        case failed(String)
    }

    /// The combination's position in the grid (0-based): the tie-breaker that keeps rankings stable.
    public var index: Int
    /// The swept parameters' values, in the order the sweep named them.
    public var parameters: [SweepParameterValue]
    public var outcome: Outcome

    public init(index: Int, parameters: [SweepParameterValue], outcome: Outcome) {
        self.index = index
        self.parameters = parameters
        self.outcome = outcome
    }

    /// The statistics, when it ran.
    public var statistics: PerformanceStatistics? {
        if case .ran(let statistics) = outcome { statistics } else { nil }
    }
}

/// A parameter's name and the value it had in one combination (as written: `5`, `0.5`, `true`).
public struct SweepParameterValue: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// What a sweep's table is ranked by.
public enum SweepSortKey: String, Sendable, CaseIterable {
    /// Highest Sharpe first (combinations without one after those with one).
    case sharpe
    /// Highest net PnL first.
    case netPnl = "net_pnl"
    /// Smallest max drawdown first.
    case maxDrawdown = "max_drawdown"

    /// `results` ranked: those that ran by this key, ties by grid position; then the refused and
    /// failed ones in grid order. The same results always give the same order.
    public func rank(_ results: [SweepResult]) -> [SweepResult] {
        let ran = results.filter { $0.statistics != nil }
        let others = results.filter { $0.statistics == nil }.sorted { $0.index < $1.index }
        return ran.sorted { a, b in
            guard let x = a.statistics, let y = b.statistics else { return a.index < b.index }
            switch self {
            case .sharpe:
                let (p, q) = (x.sharpe ?? -.infinity, y.sharpe ?? -.infinity)
                if p != q { return p > q }
            case .netPnl:
                if x.netPnl != y.netPnl { return x.netPnl > y.netPnl }
            case .maxDrawdown:
                if x.maxDrawdown != y.maxDrawdown { return x.maxDrawdown < y.maxDrawdown }
            }
            return a.index < b.index
        } + others
    }
}
