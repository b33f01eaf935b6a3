/// An exponential moving average with smoothing `alpha = 2 / (period + 1)`, seeded with the simple
/// average of the first `period` values (the convention of TA-Lib and most charting tools), so it
/// is ready after `period` values. O(1), allocation-free.
public struct ExponentialMovingAverage: Sendable {
    /// The smoothing factor applied to each new value.
    public let alpha: Double
    /// The number of values the seed averages.
    public let period: Int
    private var seedSum = 0.0
    private var seen = 0
    private var current: Double?

    /// Creates an EMA of `period`.
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when `period` is below 1.
    public init(period: Int) throws(IndicatorError) {
        guard period >= 1 else { throw .nonPositivePeriod(period) }
        self.period = period
        self.alpha = 2.0 / Double(period + 1)
    }

    /// Whether `period` values have been seen.
    public var isReady: Bool { current != nil }
    /// The current average; nil until ready.
    public var value: Double? { current }

    /// Adds a value and returns the average (nil until ready).
    @discardableResult
    public mutating func update(_ newValue: Double) -> Double? {
        if let previous = current {
            current = previous + alpha * (newValue - previous)
        } else {
            seedSum += newValue
            seen += 1
            if seen == period { current = seedSum / Double(period) }
        }
        return current
    }

    /// Forgets all values.
    public mutating func reset() {
        seedSum = 0
        seen = 0
        current = nil
    }
}
