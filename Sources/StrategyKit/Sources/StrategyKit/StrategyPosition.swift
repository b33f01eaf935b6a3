import TradingCore

/// The strategy's net position in one instrument and its profit and loss, as the host's
/// portfolio accounts it (the one ledger: the risk engine reads the same position).
///
/// Spot holdings are what was received: a buy's fee charged in the base currency comes out of
/// the size (a 0.01 BTC buy paying 0.00001 BTC holds 0.00999 BTC).
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
    /// Profit and loss of the open position at ``markPrice``, in quote currency (zero when flat).
    public var unrealizedPnL: Money
    /// Fees paid on this instrument, in quote currency (a rebate lowers it).
    public var fees: Money
    /// The price the position was last valued at (book mid, else last trade, or the latest fill).
    public var markPrice: Price?
    /// The instrument's minimum order size: a holding below it cannot be traded away and counts
    /// as flat (``isFlat``). Zero when unknown, so only an exactly zero position is flat.
    public var minimumOrderSize: Quantity

    /// Creates a flat position.
    public init(instrument: InstrumentId) {
        self.instrument = instrument
        self.netQuantity = .zero
        self.averageEntryPrice = nil
        self.realizedPnL = .zero
        self.unrealizedPnL = .zero
        self.fees = .zero
        self.markPrice = nil
        self.minimumOrderSize = .zero
    }

    /// Whether nothing tradable is held: no position, or only dust below ``minimumOrderSize``
    /// (the fee a spot buy pays in the base currency leaves such dust when the position is sold).
    /// The exact size is ``netQuantity``.
    public var isFlat: Bool { netQuantity.isZero || absoluteQuantity < minimumOrderSize }
    /// Whether the position is long (more than dust).
    public var isLong: Bool { netQuantity.isPositive && !isFlat }
    /// Whether the position is short (more than dust).
    public var isShort: Bool { netQuantity.isNegative && !isFlat }
    /// The position size without sign.
    public var absoluteQuantity: Quantity { Quantity(netQuantity.magnitude) }
}
