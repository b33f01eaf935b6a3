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
    /// What became of it.
    public var outcome: Outcome
    /// Where its rows went: the strategies.name its replay rows were written under, when the
    /// sweep was persisted and the combination got that far; nil otherwise.
    public var strategy: String?

    /// A combination's result.
    public init(index: Int, parameters: [SweepParameterValue], outcome: Outcome, strategy: String? = nil) {
        self.index = index
        self.parameters = parameters
        self.outcome = outcome
        self.strategy = strategy
    }

    /// The statistics, when it ran.
    public var statistics: PerformanceStatistics? {
        if case .ran(let statistics) = outcome { statistics } else { nil }
    }
}
