/// The volume-weighted average price: Σ(price × volume) / Σ(volume), either since the last
/// ``reset()`` (a session VWAP) or over the last `window` observations (a rolling VWAP).
/// O(1) per update, allocation-free; the rolling sums resynchronize from their windows
/// periodically to stop floating-point drift.
public struct VolumeWeightedAveragePrice: Sendable {
    private var weightedPrices: RollingWindow?
    private var volumes: RollingWindow?
    private var priceVolumeSum = 0.0
    private var volumeSum = 0.0
    private var updatesSinceResync = 0

    /// A session VWAP over everything since creation or the last ``reset()``.
    public init() {}

    /// A rolling VWAP over the last `window` observations.
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when `window` is below 1.
    public init(window: Int) throws(IndicatorError) {
        weightedPrices = try RollingWindow(capacity: window)
        volumes = try RollingWindow(capacity: window)
    }

    /// The VWAP; nil before any volume was seen.
    public var value: Double? { volumeSum > 0 ? priceVolumeSum / volumeSum : nil }
    /// The volume summed so far (or over the window).
    public var totalVolume: Double { volumeSum }

    /// Adds a trade (or a bar's typical price and volume) and returns the VWAP.
    @discardableResult
    public mutating func update(price: Double, volume: Double) -> Double? {
        let weighted = price * volume
        if weightedPrices != nil, volumes != nil {
            if let evicted = weightedPrices?.push(weighted) { priceVolumeSum -= evicted }
            if let evicted = volumes?.push(volume) { volumeSum -= evicted }
            updatesSinceResync += 1
            if let capacity = volumes?.capacity, updatesSinceResync >= capacity {
                updatesSinceResync = 0
                var prices = 0.0
                var sizes = 0.0
                weightedPrices?.forEach { prices += $0 }
                volumes?.forEach { sizes += $0 }
                priceVolumeSum = prices - weighted
                volumeSum = sizes - volume
            }
        }
        priceVolumeSum += weighted
        volumeSum += volume
        return value
    }

    /// Forgets everything (start of a new session).
    public mutating func reset() {
        weightedPrices?.removeAll()
        volumes?.removeAll()
        priceVolumeSum = 0
        volumeSum = 0
        updatesSinceResync = 0
    }
}
