import TradingCore

/// OKX's `state` of an order.
public enum OKXVenueOrderState: Sendable, Hashable {
    case live
    case partiallyFilled
    case filled
    case canceled
    /// Canceled by market-maker protection: ends the order like `canceled`.
    case mmpCanceled
    /// A state this code does not know: the order is treated as still open (a lookup later tells).
    case unknown(String)

    init(okx text: String) {
        switch text {
        case "live": self = .live
        case "partially_filled": self = .partiallyFilled
        case "filled": self = .filled
        case "canceled": self = .canceled
        case "mmp_canceled": self = .mmpCanceled
        default: self = .unknown(text)
        }
    }

    /// Whether the order has ended.
    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .mmpCanceled: true
        case .live, .partiallyFilled, .unknown: false
        }
    }
}

/// An order as OKX sees it: one `orders` push item, or an order from `GET /trade/order` /
/// `/trade/orders-pending` (same fields). The venue's word on the order's state, used to adopt it.
public struct OKXOrderUpdate: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `ordId`.
    public var venueOrderId: VenueOrderId
    /// Nil when OKX's `clOrdId` is empty (orders placed without one: by hand, liquidations).
    public var clientOrderId: ClientOrderId?
    /// `state`.
    public var state: OKXVenueOrderState
    /// `side`.
    public var side: Side
    /// `ordType`, as OKX names it (`market`, `limit`, `post_only`, `optimal_limit_ioc`, ...).
    public var orderType: String
    /// The ordered size after amendments (base units for spot, contracts otherwise).
    public var size: Quantity
    /// `px`; nil for market orders.
    public var price: Price?
    /// `accFillSz`: everything filled so far.
    public var accumulatedFillSize: Quantity
    /// `avgPx`: the average fill price so far; nil before a fill.
    public var averagePrice: Price?
    /// The fill this update reports, when it reports one (`tradeId` non-empty).
    public var fill: OKXFillDetail?
    /// `fee`: the accumulated fee of the order, already sign-flipped (positive = charged).
    public var accumulatedFee: Money?
    /// `feeCcy`: the currency of ``accumulatedFee``.
    public var feeCurrency: String?
    /// `cancelSource`: why OKX canceled the order (`1` the user, `31` post-only, ...).
    public var cancelSource: String?
    /// `reqId` of the amendment this update answers, with ``amendResult``.
    public var amendRequestId: String?
    /// `amendResult`: `0` applied, `-1` failed, `1` failed and the order was canceled (`cxlOnFail`).
    public var amendResult: String?
    /// `category`: `normal`, or a venue-generated order (`adl`, `full_liquidation`, ...).
    public var category: String?
    /// `uTime`: when OKX last changed the order.
    public var updatedAt: Timestamp?
    /// `cTime`: when OKX created the order.
    public var createdAt: Timestamp?

    public init(instrument: InstrumentId, venueOrderId: VenueOrderId, clientOrderId: ClientOrderId?, state: OKXVenueOrderState,
                side: Side, orderType: String, size: Quantity, price: Price?, accumulatedFillSize: Quantity,
                averagePrice: Price? = nil, fill: OKXFillDetail? = nil, accumulatedFee: Money? = nil, feeCurrency: String? = nil,
                cancelSource: String? = nil, amendRequestId: String? = nil, amendResult: String? = nil,
                category: String? = nil, updatedAt: Timestamp? = nil, createdAt: Timestamp? = nil) {
        self.instrument = instrument
        self.venueOrderId = venueOrderId
        self.clientOrderId = clientOrderId
        self.state = state
        self.side = side
        self.orderType = orderType
        self.size = size
        self.price = price
        self.accumulatedFillSize = accumulatedFillSize
        self.averagePrice = averagePrice
        self.fill = fill
        self.accumulatedFee = accumulatedFee
        self.feeCurrency = feeCurrency
        self.cancelSource = cancelSource
        self.amendRequestId = amendRequestId
        self.amendResult = amendResult
        self.category = category
        self.updatedAt = updatedAt
        self.createdAt = createdAt
    }
}
