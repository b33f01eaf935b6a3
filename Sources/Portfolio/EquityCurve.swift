import TradingCore

/// A strategy's equity at one instant.
public struct EquitySample: Hashable, Sendable {
    public var strategy: StrategyName
    public var timestamp: Timestamp
    public var equity: Money

    public init(strategy: StrategyName, timestamp: Timestamp, equity: Money) {
        self.strategy = strategy
        self.timestamp = timestamp
        self.equity = equity
    }
}

/// A strategy's equity curve, sampled at most once per interval of event time (plus every
/// forced sample, e.g. after a fill), so a busy feed cannot grow it without bound.
public struct EquityCurve: Hashable, Sendable {
    public let strategy: StrategyName
    /// The minimum event time between two unforced samples.
    public let intervalNanoseconds: Int64
    public private(set) var samples: [EquitySample] = []

    public init(strategy: StrategyName, intervalNanoseconds: Int64 = 60_000_000_000) {
        self.strategy = strategy
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// Appends `equity` at `time` if the interval has passed since the last sample or `force`
    /// is set; returns whether it was appended.
    @discardableResult
    public mutating func record(_ equity: Money, at time: Timestamp, force: Bool = false) -> Bool {
        if let last = samples.last, !force, time.nanoseconds(since: last.timestamp) < intervalNanoseconds { return false }
        samples.append(EquitySample(strategy: strategy, timestamp: time, equity: equity))
        return true
    }

    /// Removes and returns the samples before `time` (e.g. after a day has been rolled up),
    /// keeping the last of them as the next period's opening equity.
    public mutating func dropSamples(before time: Timestamp) -> [EquitySample] {
        let cut = samples.firstIndex { $0.timestamp >= time } ?? samples.count
        guard cut > 1 else { return Array(samples[..<cut]) }
        let dropped = Array(samples[..<cut])
        samples.removeFirst(cut - 1)
        return dropped
    }
}
