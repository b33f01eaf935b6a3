/// The arithmetic mean of the last `period` values.
///
/// Indicators work in `Double`: they are statistics that drive decisions, not money. Convert with
/// `price.value.doubleValue`, and build order prices back on the tick grid with
/// `context.roundPrice`. Each update is O(1) and allocation-free; the running sum is recomputed
/// from the window every `period` updates so floating-point drift cannot accumulate.
public struct SimpleMovingAverage: Sendable {
    private var window: RollingWindow
    private var sum = 0.0
    private var updatesSinceResync = 0

    /// Creates an average over `period` values.
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when `period` is below 1.
    public init(period: Int) throws(IndicatorError) {
        window = try RollingWindow(capacity: period)
    }

    /// The number of values averaged.
    public var period: Int { window.capacity }
    /// Whether `period` values have been seen.
    public var isReady: Bool { window.isFull }
    /// The average of the last `period` values; nil until ready.
    public var value: Double? { isReady ? sum / Double(window.count) : nil }

    /// Adds a value and returns the average (nil until ready).
    @discardableResult
    public mutating func update(_ newValue: Double) -> Double? {
        if let evicted = window.push(newValue) { sum -= evicted }
        sum += newValue
        updatesSinceResync += 1
        if updatesSinceResync >= window.capacity {
            updatesSinceResync = 0
            var exact = 0.0
            window.forEach { exact += $0 }
            sum = exact
        }
        return value
    }

    /// Forgets all values.
    public mutating func reset() {
        window.removeAll()
        sum = 0
        updatesSinceResync = 0
    }
}
