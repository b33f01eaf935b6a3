/// One time bar of one instrument, built by the host from the market data the manifest's `bars:`
/// names and delivered to `Strategy.onBar(_:)` once it is complete.
///
/// A bar covers the half-open interval [``openTime``, ``closeTime``), aligned on multiples of its
/// interval since the Unix epoch (UTC). It is complete, and delivered, as soon as the host's event
/// clock reaches ``closeTime`` (an event of any instrument stamped at or after it), or at once when
/// the candle that ends it arrives; event time drives it, so a replay delivers the same bars every
/// time. An interval without any data produces no bar: after a quiet minute the next bar's
/// ``openTime`` is more than one interval after the previous one's. The bar still open when the
/// strategy stops is never delivered (it is not complete).
public struct Bar: Hashable, Sendable {
    /// The instrument.
    public var instrument: InstrumentId
    /// The bar length.
    public var interval: BarInterval
    /// The start of the bar (inclusive): a multiple of the interval since the epoch. For a bar
    /// copied from one candle, the candle's own open time.
    public var openTime: Timestamp
    /// The end of the bar (exclusive): ``openTime`` plus the interval.
    public var closeTime: Timestamp
    /// The first price in the bar.
    public var open: Price
    /// The highest price in the bar.
    public var high: Price
    /// The lowest price in the bar.
    public var low: Price
    /// The last price in the bar.
    public var close: Price
    /// The traded size: the sum of trade sizes, or of the candles' `vol` (base currency for spot,
    /// contracts for derivatives); zero for bars of ticker prices.
    public var volume: Quantity
    /// The volume-weighted average trade price (computed in floating point, so good to about 15
    /// significant digits); nil for bars of candles or ticker prices, which carry no trades.
    public var vwap: Price?
    /// How many trades made the bar (counting each of the trades OKX merged into one message);
    /// zero for bars of candles or ticker prices.
    public var tradeCount: Int

    /// Creates a bar.
    public init(instrument: InstrumentId, interval: BarInterval, openTime: Timestamp, closeTime: Timestamp, open: Price,
                high: Price, low: Price, close: Price, volume: Quantity, vwap: Price?, tradeCount: Int) {
        self.instrument = instrument
        self.interval = interval
        self.openTime = openTime
        self.closeTime = closeTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.vwap = vwap
        self.tradeCount = tradeCount
    }
}
