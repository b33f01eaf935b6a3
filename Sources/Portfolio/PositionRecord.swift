import TradingCore

/// One position as the seed's `positions` table stores it, plus the mode and the fees paid.
///
/// The row is identified by (strategy, symbol, ``positionSide``); ``side`` is the direction
/// (`long` or `short`), which can change in one-way (`net`) mode when a fill flips the
/// position. A flat position keeps its last direction and average entry price with quantity 0.
/// Amounts are in the quote (settlement) currency; quantities in base currency for spot and
/// contracts for swaps and futures.
public struct PositionRecord: Hashable, Sendable {
    public var strategy: StrategyName
    public var symbol: InstrumentId
    /// The OKX position side the row belongs to: `net` (one-way, spot) or `long`/`short` (hedge).
    public var positionSide: PositionSide
    /// The direction of the holding: `long` or `short`.
    public var side: PositionSide
    /// The absolute size (never negative); zero when flat.
    public var quantity: Quantity
    public var avgEntryPrice: Price
    /// The last mark price; nil before the first mark.
    public var currentPrice: Price?
    public var unrealizedPnl: Money
    /// Cumulative realized trading PnL of this position row, before fees.
    public var realizedPnl: Money
    /// Cumulative fees of this position row in the quote currency (spot-buy fees charged in the
    /// base currency are valued at their fill price). Not a seed column: persist it (or derive it
    /// from the trades table) so that a restart restores equity exactly.
    public var fees: Money
    /// Isolated margin held for a derivative position; nil for spot.
    public var margin: Money?
    public var leverage: FixedPoint
    /// Estimated liquidation price (see ``Position``); nil for spot, flat or unleveraged longs.
    public var liquidationPrice: Price?
    /// When the current holding opened (after a flat or a flip); nil if never opened.
    public var openedAt: Timestamp?
    public var lastUpdated: Timestamp
    public var mode: TradingMode

    /// The size with its direction: negative when short.
    public var signedQuantity: FixedPoint { side == .short ? -quantity.value : quantity.value }

    public init(strategy: StrategyName, symbol: InstrumentId, positionSide: PositionSide, side: PositionSide,
                quantity: Quantity, avgEntryPrice: Price, currentPrice: Price?, unrealizedPnl: Money, realizedPnl: Money,
                fees: Money, margin: Money?, leverage: FixedPoint, liquidationPrice: Price?, openedAt: Timestamp?,
                lastUpdated: Timestamp, mode: TradingMode) {
        self.strategy = strategy
        self.symbol = symbol
        self.positionSide = positionSide
        self.side = side
        self.quantity = quantity
        self.avgEntryPrice = avgEntryPrice
        self.currentPrice = currentPrice
        self.unrealizedPnl = unrealizedPnl
        self.realizedPnl = realizedPnl
        self.fees = fees
        self.margin = margin
        self.leverage = leverage
        self.liquidationPrice = liquidationPrice
        self.openedAt = openedAt
        self.lastUpdated = lastUpdated
        self.mode = mode
    }

    /// The position's key.
    public var key: PositionKey { PositionKey(strategy: strategy, instrument: symbol, positionSide: positionSide) }
}
