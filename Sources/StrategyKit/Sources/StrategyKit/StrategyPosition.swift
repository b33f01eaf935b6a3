import TradingCore

/// The strategy's net position in one instrument and its profit and loss.
///
/// The context keeps it current from the fills it is told about (net mode: buys add, sells
/// subtract, average entry price by weighted cost, realized PnL on reductions); the host may
/// overwrite it with the portfolio's authoritative values.
public struct StrategyPosition: Hashable, Sendable {
    /// The instrument.
    public var instrument: InstrumentId
    /// Signed size: positive long, negative short, zero flat (base units for spot, contracts for
    /// derivatives).
    public var netQuantity: FixedPoint
    /// The average entry price of the open position; nil when flat.
    public var averageEntryPrice: Price?
    /// Profit and loss locked in by reductions, in quote currency, before fees.
    public var realizedPnL: Money
    /// Fees paid on this instrument (a rebate lowers it).
    public var fees: Money
    /// The latest price seen (last trade, ticker, or book mid) used for unrealized PnL.
    public var markPrice: Price?

    /// Creates a flat position.
    public init(instrument: InstrumentId) {
        self.instrument = instrument
        self.netQuantity = .zero
        self.averageEntryPrice = nil
        self.realizedPnL = .zero
        self.fees = .zero
        self.markPrice = nil
    }

    /// Whether there is no position.
    public var isFlat: Bool { netQuantity.isZero }
    /// Whether the position is long.
    public var isLong: Bool { netQuantity.isPositive }
    /// Whether the position is short.
    public var isShort: Bool { netQuantity.isNegative }
    /// The position size without sign.
    public var absoluteQuantity: Quantity { Quantity(netQuantity.magnitude) }
}
