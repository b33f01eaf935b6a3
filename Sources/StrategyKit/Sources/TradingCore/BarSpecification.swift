/// Which market data the host builds a strategy's bars from (a manifest's `bars: {source: ...}`).
public enum BarSource: String, Hashable, Sendable, CaseIterable {
    /// Public trades (`trades` channel): OHLC of trade prices, volume, VWAP and trade count.
    case trades
    /// Confirmed candles (a `candle*` channel whose interval divides the bar interval): each bar
    /// is one candle, or consecutive smaller candles merged (OHLC, volume; no VWAP or trade count).
    case candles
    /// Ticker last prices (`tickers` channel), sampled: OHLC of the last prices seen; no volume,
    /// VWAP or trade count (a ticker reports 24-hour totals, not the trades between two pushes).
    case ticker
}

/// What bars a strategy receives: their length and what they are built from.
public struct BarSpecification: Hashable, Sendable, CustomStringConvertible {
    /// The bar length.
    public var interval: BarInterval
    /// The market data bars are built from.
    public var source: BarSource

    /// Creates a specification.
    public init(interval: BarInterval, source: BarSource) {
        self.interval = interval
        self.source = source
    }

    /// `1m bars from trades`.
    public var description: String { "\(interval) bars from \(source.rawValue)" }
}
