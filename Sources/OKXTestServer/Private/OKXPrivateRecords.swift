import TradingCore

/// One order as the fake OKX server holds it (the fields its pushes and queries report).
public struct OKXTestOrder: Sendable, Hashable {
    /// OKX's `ordId` (numeric text).
    public var ordId: String
    /// Our `clOrdId`; empty for an order placed without one (by hand on the website).
    public var clOrdId: String
    public var instrument: InstrumentId
    public var side: Side
    public var orderType: OrderType
    public var size: Quantity
    public var price: Price?
    /// `live`, `partially_filled`, `filled`, `canceled`.
    public var state: String
    public var filled: Quantity
    /// Σ price × size of the fills (for `avgPx`).
    public var filledNotional: FixedPoint
    /// Accumulated fee, OKX's sign (negative = charged).
    public var fee: Money
    public var feeCurrency: String
    public var cancelSource: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// The id the matching engine (PaperVenue) knows the order by.
    var engineId: ClientOrderId

    /// Whether the order can still trade.
    public var isPending: Bool { state == "live" || state == "partially_filled" }
}

/// One execution as the fake OKX server reports it (`GET /trade/fills`, `orders` pushes).
public struct OKXTestFill: Sendable, Hashable {
    public var instrument: InstrumentId
    public var tradeId: String
    public var ordId: String
    public var clOrdId: String
    public var side: Side
    public var price: Price
    public var size: Quantity
    /// OKX's sign: negative = charged.
    public var fee: Money
    public var feeCurrency: String
    /// `T` taker, `M` maker.
    public var execType: String
    public var time: Timestamp
}

/// One REST request as the server saw it, for tests to count.
public struct OKXTestRequest: Sendable, Hashable {
    public var method: String
    /// The path with its query.
    public var uri: String
    public var body: String
    /// The OKX code answered (`0` on success, `50113`, ...), or `held`/`dropped`.
    public var outcome: String
}

/// Something the server sends on a WebSocket connection.
struct OKXTestOutgoing: Sendable, Hashable {
    var connection: Int
    var text: String
}

/// What the REST handler does with a request.
enum OKXTestRestDecision: Sendable {
    /// Answer after `delayMilliseconds` (0: at once).
    case answer(status: Int, body: String, delayMilliseconds: Int64)
    /// Never answer; the connection stays open.
    case hold
    /// Close the connection without an answer.
    case drop
}
