/// An order a strategy wants placed. The host fills in the id, owner and time, sends it
/// through the risk engine, and only then to a venue.
public struct OrderRequest: Hashable, Sendable {
    public var clientOrderId: ClientOrderId
    public var strategy: StrategyName
    public var instrument: InstrumentId
    public var side: Side
    public var type: OrderType
    public var quantity: Quantity
    /// The limit price; nil for market orders.
    public var price: Price?
    public var positionSide: PositionSide
    /// Whether the order may only shrink an existing position.
    public var reduceOnly: Bool
    /// When the strategy decided (event time in replay).
    public var createdAt: Timestamp

    public init(clientOrderId: ClientOrderId, strategy: StrategyName, instrument: InstrumentId, side: Side,
                type: OrderType, quantity: Quantity, price: Price?, positionSide: PositionSide = .net,
                reduceOnly: Bool = false, createdAt: Timestamp) {
        self.clientOrderId = clientOrderId
        self.strategy = strategy
        self.instrument = instrument
        self.side = side
        self.type = type
        self.quantity = quantity
        self.price = price
        self.positionSide = positionSide
        self.reduceOnly = reduceOnly
        self.createdAt = createdAt
    }
}

/// Whether a fill added liquidity (maker) or took it (taker).
public enum Liquidity: String, Sendable, Hashable, Codable {
    case maker
    case taker
}

/// One execution of (part of) an order.
public struct Fill: Hashable, Sendable {
    public var clientOrderId: ClientOrderId
    public var venueOrderId: VenueOrderId
    public var strategy: StrategyName
    public var instrument: InstrumentId
    public var side: Side
    public var positionSide: PositionSide
    public var price: Price
    public var quantity: Quantity
    /// The fee charged, as a positive amount (a rebate is negative).
    public var fee: Money
    /// The currency the fee is charged in, e.g. `BTC` for a spot buy of BTC-USDT.
    public var feeCurrency: String
    public var liquidity: Liquidity
    public var timestamp: Timestamp

    public init(clientOrderId: ClientOrderId, venueOrderId: VenueOrderId, strategy: StrategyName,
                instrument: InstrumentId, side: Side, positionSide: PositionSide, price: Price, quantity: Quantity,
                fee: Money, feeCurrency: String, liquidity: Liquidity, timestamp: Timestamp) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.strategy = strategy
        self.instrument = instrument
        self.side = side
        self.positionSide = positionSide
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.feeCurrency = feeCurrency
        self.liquidity = liquidity
        self.timestamp = timestamp
    }
}
