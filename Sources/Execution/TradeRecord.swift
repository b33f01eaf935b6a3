import TradingCore

/// One order as the seed's `trades` table stores it, plus the mode it ran in.
///
/// The venue produces a fresh snapshot of this value with every event of the order, so the
/// host can upsert the row keyed by ``clientOrderId`` (or ``venueOrderId``) each time.
///
/// Times and latencies:
/// - `createdAt`: when the strategy decided (``OrderRequest/createdAt``, event time in replay).
/// - `submittedAt`: when the venue acknowledged the order (it became live, or was refused).
/// - `firstFillAt`, `completedAt`: the first execution and the terminal transition.
/// - `latencyMs`: `submittedAt − createdAt` (decision to acknowledgement), whole milliseconds
///   rounded down.
/// - `totalLatencyMs`: `completedAt − createdAt` (decision to the order's end).
public struct TradeRecord: Hashable, Sendable {
    public var clientOrderId: ClientOrderId
    /// The venue's id (`okx_order_id`); paper ids start with `PAPER-`. Nil until the venue assigns one.
    public var venueOrderId: VenueOrderId?
    public var strategy: StrategyName
    public var symbol: InstrumentId
    public var side: Side
    public var orderType: OrderType
    public var positionSide: PositionSide
    /// The ordered size (after any amendment): base currency for spot, contracts otherwise.
    public var quantity: Quantity
    /// The limit price (after any amendment); nil for market orders.
    public var price: Price?
    /// The size-weighted average execution price, rounded to nearest at 12 decimals; nil before a fill.
    public var avgFillPrice: Price?
    public var filledQuantity: Quantity
    /// Total fees charged, positive (a maker rebate makes it negative), in ``commissionAsset``.
    public var commission: Money
    /// The currency of ``commission``: base for spot buys, quote for spot sells, the
    /// settlement currency (USDT) for linear swaps and futures. Nil before a fill.
    public var commissionAsset: String?
    /// Realized trading PnL this order's fills produced (before fees), in the quote/settlement
    /// currency; attributed by the portfolio via ``ExecutionVenue/attributeRealizedPnl(_:to:)``.
    public var realizedPnl: Money
    /// Execution cost against the mid at decision time in basis points, positive when worse
    /// than the mid: `side.sign × (avgFillPrice − mid) / mid × 10_000`, rounded half away
    /// from zero. Nil when nothing filled or there was no mid.
    public var slippageBps: Int?
    public var status: OrderStatus
    /// Why the order was rejected, or why the venue canceled it (e.g. an IOC's unfilled rest);
    /// nil when it filled or the strategy canceled it.
    public var rejectReason: String?
    public var createdAt: Timestamp
    public var submittedAt: Timestamp?
    public var firstFillAt: Timestamp?
    public var completedAt: Timestamp?
    public var latencyMs: Int?
    public var totalLatencyMs: Int?
    /// Live, paper or replay: paper and replay rows are never mistaken for live ones.
    public var mode: TradingMode
    /// What the paper venue filled the order against (see ``OrderLifecycle/fillModel``); nil for
    /// live orders and for paper orders that met no market data.
    public var fillModel: FillModel?

    /// The row's notes: `fill_model=book|trades|candles`, nil when there is nothing to say.
    public var notes: String? { fillModel?.note }

    public init(clientOrderId: ClientOrderId, venueOrderId: VenueOrderId?, strategy: StrategyName, symbol: InstrumentId,
                side: Side, orderType: OrderType, positionSide: PositionSide, quantity: Quantity, price: Price?,
                avgFillPrice: Price?, filledQuantity: Quantity, commission: Money, commissionAsset: String?,
                realizedPnl: Money, slippageBps: Int?, status: OrderStatus, rejectReason: String?,
                createdAt: Timestamp, submittedAt: Timestamp?, firstFillAt: Timestamp?, completedAt: Timestamp?,
                latencyMs: Int?, totalLatencyMs: Int?, mode: TradingMode, fillModel: FillModel? = nil) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.orderType = orderType
        self.positionSide = positionSide
        self.quantity = quantity
        self.price = price
        self.avgFillPrice = avgFillPrice
        self.filledQuantity = filledQuantity
        self.commission = commission
        self.commissionAsset = commissionAsset
        self.realizedPnl = realizedPnl
        self.slippageBps = slippageBps
        self.status = status
        self.rejectReason = rejectReason
        self.createdAt = createdAt
        self.submittedAt = submittedAt
        self.firstFillAt = firstFillAt
        self.completedAt = completedAt
        self.latencyMs = latencyMs
        self.totalLatencyMs = totalLatencyMs
        self.mode = mode
        self.fillModel = fillModel
    }
}
