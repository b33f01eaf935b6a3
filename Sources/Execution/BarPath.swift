import TradingCore

/// The prices a confirmed bar is taken to have traded through, in order, for bar execution
/// (``FillModel/candles``). A bar records its open, high, low and close but not whether the high
/// came before the low, so the venue assumes the path the bar's direction makes likelier:
///
/// - bullish (`close >= open`, a doji included): open, low, high, close — the market dipped
///   first and rallied into the close;
/// - bearish (`close < open`): open, high, low, close.
///
/// This is NautilusTrader's adaptive high/low ordering reduced to the bar alone. It matters when
/// one bar reaches both a buy below and a sell above: the order whose side the path visits first
/// fills first.
public struct BarPath: Hashable, Sendable {
    /// The first point: the open.
    public let open: Price
    /// The second point: the low of a bullish bar, the high of a bearish one.
    public let second: Price
    /// The third point: the high of a bullish bar, the low of a bearish one.
    public let third: Price
    /// The last point: the close.
    public let close: Price

    /// How many points a path has.
    public static let count = 4

    /// The point at `index` (0 to 3), without building an array on the venue's path.
    public subscript(index: Int) -> Price {
        switch index {
        case 0: open
        case 1: second
        case 2: third
        default: close
        }
    }

    /// The four points in the order the venue plays them.
    public var points: [Price] { [open, second, third, close] }

    /// The path of `candle`.
    public init(_ candle: Candle) {
        self.init(open: candle.open, high: candle.high, low: candle.low, close: candle.close)
    }

    /// The path of a bar with these prices.
    public init(open: Price, high: Price, low: Price, close: Price) {
        self.open = open
        self.close = close
        let bullish = close >= open
        second = bullish ? low : high
        third = bullish ? high : low
    }
}
