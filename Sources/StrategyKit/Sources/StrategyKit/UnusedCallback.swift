/// What the default implementation of an event callback throws: the strategy does not implement
/// it, so the host stops calling it for this strategy. A strategy that takes its bars from
/// candles and implements only ``Strategy/onBar(_:)`` then costs nothing per raw candle, nor per
/// order notice it ignores.
///
/// Never throw it yourself; the host treats it as "not implemented", not as a failure.
public struct UnusedCallback: Error, Sendable, Hashable {
    /// Creates the marker.
    public init() {}
}
