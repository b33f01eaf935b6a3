/// Mean, standard deviation and z-score of the last `period` values (Bollinger bands are
/// `mean ± k × standardDeviation`).
///
/// Uses the sliding-window form of Welford's update, which avoids the cancellation of
/// sum-of-squares formulas on prices like 60 000 ± 0.01, and resynchronizes from the window every
/// `period` updates. O(1) per update, allocation-free.
public struct RollingStatistics: Sendable {
    /// Which variance to report.
    public enum Estimator: Sendable, Hashable {
        /// Divide by n (population; what Bollinger's definition uses).
        case population
        /// Divide by n − 1 (sample; what pandas' `rolling().std()` uses).
        case sample
    }

    private var window: RollingWindow
    private var mean = 0.0
    private var squaredDeviations = 0.0
    private var updatesSinceResync = 0
    /// The variance estimator.
    public let estimator: Estimator

    /// Creates statistics over `period` values.
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when `period` is below 2.
    public init(period: Int, estimator: Estimator = .population) throws(IndicatorError) {
        guard period >= 2 else { throw .nonPositivePeriod(period) }
        window = try RollingWindow(capacity: period)
        self.estimator = estimator
    }

    /// The window length.
    public var period: Int { window.capacity }
    /// Whether `period` values have been seen.
    public var isReady: Bool { window.isFull }
    /// The mean of the window; nil until ready.
    public var average: Double? { isReady ? mean : nil }

    /// The standard deviation of the window; nil until ready.
    public var standardDeviation: Double? {
        guard isReady else { return nil }
        let divisor = estimator == .population ? Double(window.count) : Double(window.count - 1)
        return (max(0, squaredDeviations) / divisor).squareRoot()
    }

    /// How many standard deviations `value` lies from the mean; nil until ready, or when the window
    /// is constant (zero deviation).
    public func zScore(of value: Double) -> Double? {
        guard let deviation = standardDeviation, deviation > 0 else { return nil }
        return (value - mean) / deviation
    }

    /// The z-score of the newest value; nil as for ``zScore(of:)``.
    public var latestZScore: Double? { window.value(ago: 0).flatMap { zScore(of: $0) } }

    /// Adds a value.
    public mutating func update(_ newValue: Double) {
        if let evicted = window.push(newValue) {
            let oldMean = mean
            mean += (newValue - evicted) / Double(window.count)
            squaredDeviations += (newValue - evicted) * (newValue - mean + evicted - oldMean)
        } else {
            let delta = newValue - mean
            mean += delta / Double(window.count)
            squaredDeviations += delta * (newValue - mean)
        }
        updatesSinceResync += 1
        if updatesSinceResync >= window.capacity * 8 { resync() }
    }

    /// Forgets all values.
    public mutating func reset() {
        window.removeAll()
        mean = 0
        squaredDeviations = 0
        updatesSinceResync = 0
    }

    private mutating func resync() {
        updatesSinceResync = 0
        var sum = 0.0
        window.forEach { sum += $0 }
        let exactMean = sum / Double(window.count)
        var squares = 0.0
        window.forEach { squares += ($0 - exactMean) * ($0 - exactMean) }
        mean = exactMean
        squaredDeviations = squares
    }
}
