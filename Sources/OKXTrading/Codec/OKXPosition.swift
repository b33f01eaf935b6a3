import TradingCore

/// One position as OKX reports it (`positions` push, `balance_and_position` `posData`,
/// `GET /account/positions`).
public struct OKXPosition: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `posSide`: `net` in one-way mode, else `long`/`short`.
    public var positionSide: PositionSide
    /// `pos`: signed in net mode (negative = short), contracts for derivatives, base units for margin.
    public var size: FixedPoint
    /// `avgPx`: the average open price; nil when OKX leaves it empty.
    public var averagePrice: Price?

    public init(instrument: InstrumentId, positionSide: PositionSide, size: FixedPoint, averagePrice: Price?) {
        self.instrument = instrument
        self.positionSide = positionSide
        self.size = size
        self.averagePrice = averagePrice
    }

    /// The position as one signed number: long positive, short negative.
    public var signedSize: FixedPoint { positionSide == .short && !size.isNegative ? -size : size }
}
