import TradingCore

/// Turns a stream of prices (trades, tickers, book mids) into fixed-length time bars on event
/// time, so a strategy can run bar-based indicators on tick data. A bar closes when the first
/// price of a later bar arrives; its close is the last price seen in it. Bars with no price are
/// skipped (there is no price to report). O(1), allocation-free.
public struct TimeBarSampler: Sendable {
    /// The bar length in nanoseconds.
    public let barNanoseconds: Int64
    private var currentBar: Int64?
    private var lastPrice: Double = 0

    /// Creates a sampler of `seconds`-long bars (fractions allowed, at least one millisecond).
    /// - Throws: ``IndicatorError/nonPositivePeriod(_:)`` when the length is under a millisecond.
    public init(seconds: Double) throws(IndicatorError) {
        let nanoseconds = Int64((seconds * 1e9).rounded())
        guard nanoseconds >= 1_000_000 else { throw .nonPositivePeriod(Int(nanoseconds)) }
        barNanoseconds = nanoseconds
    }

    /// Feeds a price at `time`; returns the close of the bar that just ended, if this price
    /// starts a new bar.
    public mutating func update(price: Double, at time: Timestamp) -> Double? {
        let bar = time.nanosecondsSinceEpoch / barNanoseconds
        defer { lastPrice = price }
        guard let current = currentBar else {
            currentBar = bar
            return nil
        }
        guard bar > current else { return nil }
        currentBar = bar
        return lastPrice
    }
}
