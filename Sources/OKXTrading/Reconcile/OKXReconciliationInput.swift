import TradingCore

/// An order the runtime believes open (from memory, or the `trades` rows still `pending`,
/// `submitted` or `partially_filled` after a restart).
public struct OKXLocalOrder: Sendable, Hashable {
    /// Our id.
    public var clientOrderId: ClientOrderId
    /// OKX's id, when it was ever acknowledged.
    public var venueOrderId: VenueOrderId?
    /// The instrument traded.
    public var instrument: InstrumentId
    /// The strategy that placed it (halted on a mismatch).
    public var strategy: StrategyName
    /// Buy or sell: the sign of its fills in the position.
    public var side: Side
    /// The position it trades (`net`, or `long`/`short` in long/short mode).
    public var positionSide: PositionSide
    /// What the runtime has recorded as filled.
    public var filledQuantity: Quantity
    /// The fills the runtime has recorded for it.
    public var tradeIds: Set<TradeId>

    public init(clientOrderId: ClientOrderId, venueOrderId: VenueOrderId?, instrument: InstrumentId, strategy: StrategyName,
                side: Side, positionSide: PositionSide, filledQuantity: Quantity, tradeIds: Set<TradeId>) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.instrument = instrument
        self.strategy = strategy
        self.side = side
        self.positionSide = positionSide
        self.filledQuantity = filledQuantity
        self.tradeIds = tradeIds
    }
}

/// A position as the runtime's portfolio holds it, summed over strategies per instrument and side.
public struct OKXLocalPosition: Sendable, Hashable {
    /// The instrument held.
    public var instrument: InstrumentId
    /// `net`, or `long`/`short` in long/short mode.
    public var positionSide: PositionSide
    /// Signed: long positive, short negative.
    public var size: FixedPoint
    /// The strategies holding it (halted together on a mismatch).
    public var strategies: Set<StrategyName>

    public init(instrument: InstrumentId, positionSide: PositionSide, size: FixedPoint, strategies: Set<StrategyName>) {
        self.instrument = instrument
        self.positionSide = positionSide
        self.size = size
        self.strategies = strategies
    }
}

/// Everything reconciliation looks at, pulled after subscribing (so nothing falls in the gap):
/// the runtime's view and OKX's REST answers.
public struct OKXReconciliationInput: Sendable, Hashable {
    /// The runtime's open orders.
    public var localOpenOrders: [OKXLocalOrder]
    /// `GET /trade/orders-pending`, all pages.
    public var venuePendingOrders: [OKXOrderUpdate]
    /// Answers to the lookups a first plan asked for: the order, or nil when OKX does not know it.
    public var lookedUp: [ClientOrderId: OKXOrderUpdate?]
    /// `GET /trade/fills` since the oldest open order (or the last fill before the outage).
    public var recentFills: [OKXFillDetail]
    /// `GET /account/positions`.
    public var venuePositions: [OKXPosition]
    /// The portfolio's positions (derivatives and margin; spot holdings are balances, not positions).
    public var localPositions: [OKXLocalPosition]
    /// Which ids are the runtime's: an unknown one of them is a finished order, not an external one.
    public var ownership: OKXOrderOwnership

    public init(localOpenOrders: [OKXLocalOrder], venuePendingOrders: [OKXOrderUpdate], lookedUp: [ClientOrderId: OKXOrderUpdate?] = [:],
                recentFills: [OKXFillDetail], venuePositions: [OKXPosition], localPositions: [OKXLocalPosition],
                ownership: OKXOrderOwnership = OKXOrderOwnership()) {
        self.ownership = ownership
        self.localOpenOrders = localOpenOrders
        self.venuePendingOrders = venuePendingOrders
        self.lookedUp = lookedUp
        self.recentFills = recentFills
        self.venuePositions = venuePositions
        self.localPositions = localPositions
    }
}
