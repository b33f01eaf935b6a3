import TradingCore

/// Why an order transition was refused: the event does not fit the order's state. The venue
/// never triggers these on its own orders; they catch a host or live-venue bug early.
public enum OrderLifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `event` is not allowed while the order is `status` (e.g. a fill on a cancelled order).
    case invalidTransition(order: ClientOrderId, from: OrderStatus, event: String)
    /// A fill of `fill` on top of `filled` would exceed the ordered `ordered` size.
    case overfill(order: ClientOrderId, ordered: Quantity, filled: Quantity, fill: Quantity)
    /// An amendment to `requested` is below the already filled `filled` size.
    case amendBelowFilled(order: ClientOrderId, requested: Quantity, filled: Quantity)
    /// A fill charged its fee in `received` after earlier fills charged `expected`.
    case commissionAssetChanged(order: ClientOrderId, expected: String, received: String)
    /// A fill with zero size or a zero price.
    case emptyFill(order: ClientOrderId)
    /// A product did not fit the fixed-point range.
    case arithmetic(order: ClientOrderId, FixedPointArithmeticError)

    public var description: String {
        switch self {
        case .invalidTransition(let order, let from, let event):
            "order \(order): '\(event)' is not allowed in status \(from.rawValue); the venue and the host disagree about the order's state"
        case .overfill(let order, let ordered, let filled, let fill):
            "order \(order): a fill of \(fill) on top of \(filled) exceeds the ordered \(ordered)"
        case .amendBelowFilled(let order, let requested, let filled):
            "order \(order): amendment to quantity \(requested) is below the filled \(filled); amend to at least the filled size or cancel"
        case .commissionAssetChanged(let order, let expected, let received):
            "order \(order): fee charged in \(received) after earlier fills charged \(expected)"
        case .emptyFill(let order):
            "order \(order): a fill must have a positive size and price"
        case .arithmetic(let order, let error):
            "order \(order): \(error)"
        }
    }
}

/// The lifecycle of one order as a pure value: `pending -> submitted -> partially_filled ->
/// filled`, or `cancelled` / `rejected` / `failed`. No I/O, no clock: every transition gets
/// its time from the caller, so the same events always give the same record.
///
/// - `pending`: created by the strategy, not yet acknowledged by the venue (in flight).
/// - `submitted`: acknowledged and live on the venue, nothing filled.
/// - `partially_filled`: live with some size filled.
/// - `filled`: the whole (possibly amended) size filled.
/// - `cancelled`: ended by a cancel, by the venue (IOC/FOK/market rest, post-only that would
///   take), possibly with some size filled.
/// - `rejected`: refused by the venue before it became live.
/// - `failed`: the venue could not be reached or answered nonsense (live venue only).
public struct OrderLifecycle: Hashable, Sendable {
    public private(set) var request: OrderRequest
    public let mode: TradingMode
    public private(set) var status: OrderStatus = .pending
    public private(set) var venueOrderId: VenueOrderId?
    public private(set) var filledQuantity: Quantity = .zero
    /// Σ price × size over the fills, exact to 12 decimals.
    public private(set) var filledNotional: FixedPoint = .zero
    public private(set) var commission: Money = .zero
    public private(set) var commissionAsset: String?
    public private(set) var realizedPnl: Money = .zero
    /// The book mid when the strategy decided: the slippage reference.
    public let decisionMid: Price?
    public private(set) var rejectReason: String?
    public private(set) var submittedAt: Timestamp?
    public private(set) var firstFillAt: Timestamp?
    public private(set) var completedAt: Timestamp?
    /// What the venue filled (or, before a fill, would fill) the order against: the model of its
    /// last fill, else the model in use when it arrived; nil when the venue had no market data.
    public private(set) var fillModel: FillModel?
    /// The size-weighted average fill price, rounded to nearest; nil before a fill.
    public private(set) var averageFillPrice: Price?
    /// Slippage against the decision-time mid in whole basis points (see ``TradeRecord/slippageBps``).
    public private(set) var slippageBps: Int?

    /// A new pending order.
    public init(request: OrderRequest, mode: TradingMode, decisionMid: Price?) {
        self.request = request
        self.mode = mode
        self.decisionMid = decisionMid
    }

    /// An order as its stored row left it, for a host restarting with orders still open at an
    /// exchange. What the row does not keep (reduce-only, the decision mid) was needed to place
    /// the order, which has happened; following it to its end needs only what the row holds.
    public init(restoring record: TradeRecord) {
        request = OrderRequest(clientOrderId: record.clientOrderId, strategy: record.strategy, instrument: record.symbol,
                               side: record.side, type: record.orderType, quantity: record.quantity, price: record.price,
                               positionSide: record.positionSide, createdAt: record.createdAt)
        mode = record.mode
        decisionMid = nil
        status = record.status
        venueOrderId = record.venueOrderId
        filledQuantity = record.filledQuantity
        // The row keeps the average rounded to the price's 12 decimals: the notional it implies is
        // exact to that rounding, which is what later fills' average needs.
        filledNotional = record.avgFillPrice.flatMap { try? $0.value.multiplied(by: record.filledQuantity.value) } ?? .zero
        commission = record.commission
        commissionAsset = record.commissionAsset
        realizedPnl = record.realizedPnl
        rejectReason = record.rejectReason
        submittedAt = record.submittedAt
        firstFillAt = record.firstFillAt
        completedAt = record.completedAt
        fillModel = record.fillModel
        updateAverages()
    }

    /// The size still open: ordered minus filled.
    public var remainingQuantity: Quantity { request.quantity.subtractingClamped(filledQuantity) }
    /// Whether the order can still trade.
    public var isLive: Bool { status == .submitted || status == .partiallyFilled }

    /// The venue acknowledged the order and assigned `venueOrderId`.
    public mutating func accept(venueOrderId: VenueOrderId, at time: Timestamp) throws(OrderLifecycleError) {
        guard status == .pending else { throw invalid("accept") }
        self.venueOrderId = venueOrderId
        status = .submitted
        submittedAt = time
    }

    /// The venue refused the order before it became live.
    public mutating func reject(venueOrderId: VenueOrderId?, reason: String, at time: Timestamp) throws(OrderLifecycleError) {
        guard status == .pending else { throw invalid("reject") }
        if let venueOrderId { self.venueOrderId = venueOrderId }
        status = .rejected
        rejectReason = reason
        submittedAt = time
        completedAt = time
    }

    /// One execution of `quantity` at `price` with `fee` charged in `feeAsset`.
    public mutating func recordFill(price: Price, quantity: Quantity, fee: Money, feeAsset: String,
                                    at time: Timestamp) throws(OrderLifecycleError) {
        guard isLive else { throw invalid("fill") }
        guard !quantity.isZero, !price.isZero else { throw .emptyFill(order: request.clientOrderId) }
        let newFilled = filledQuantity + quantity
        guard newFilled <= request.quantity else {
            throw .overfill(order: request.clientOrderId, ordered: request.quantity, filled: filledQuantity, fill: quantity)
        }
        if let commissionAsset, commissionAsset != feeAsset {
            throw .commissionAssetChanged(order: request.clientOrderId, expected: commissionAsset, received: feeAsset)
        }
        let notional: FixedPoint
        do { notional = try price.value.multiplied(by: quantity.value) } catch { throw .arithmetic(order: request.clientOrderId, error) }
        filledNotional += notional
        filledQuantity = newFilled
        commission += fee
        commissionAsset = feeAsset
        if firstFillAt == nil { firstFillAt = time }
        updateAverages()
        if newFilled == request.quantity {
            status = .filled
            completedAt = time
        } else {
            status = .partiallyFilled
        }
    }

    /// The order ended unfilled or partly filled: canceled by the strategy (`reason` nil) or by
    /// the venue (`reason` says why, e.g. an IOC's rest). A pending order may be canceled too.
    public mutating func cancel(reason: String?, at time: Timestamp) throws(OrderLifecycleError) {
        guard status == .pending || isLive else { throw invalid("cancel") }
        status = .cancelled
        rejectReason = reason
        completedAt = time
    }

    /// Changes the open order's price and/or total size. A size equal to the filled size
    /// completes the order as `filled`; below it the amendment is refused.
    public mutating func amend(quantity newQuantity: Quantity?, price newPrice: Price?, at time: Timestamp) throws(OrderLifecycleError) {
        guard isLive else { throw invalid("amend") }
        if let newQuantity {
            guard newQuantity >= filledQuantity, !newQuantity.isZero else {
                throw .amendBelowFilled(order: request.clientOrderId, requested: newQuantity, filled: filledQuantity)
            }
            request.quantity = newQuantity
            if newQuantity == filledQuantity {
                status = .filled
                completedAt = time
            }
        }
        if let newPrice { request.price = newPrice }
    }

    /// The venue could not process the order (transport or protocol failure, live venue only).
    public mutating func fail(reason: String, at time: Timestamp) throws(OrderLifecycleError) {
        guard !status.isTerminal else { throw invalid("fail") }
        status = .failed
        rejectReason = reason
        completedAt = time
    }

    /// Records the fill model the venue is using for this order (at arrival, then at each fill).
    public mutating func noteFillModel(_ model: FillModel?) {
        fillModel = model
    }

    /// Adds realized trading PnL that the portfolio computed for one of this order's fills.
    public mutating func attributeRealizedPnl(_ amount: Money) {
        realizedPnl += amount
    }

    /// Works out ``averageFillPrice`` and ``slippageBps`` after a fill: they are kept rather than
    /// computed when read because the order's record is built at every event of the order, and
    /// each is a 128-bit division.
    private mutating func updateAverages() {
        averageFillPrice = Self.average(notional: filledNotional, quantity: filledQuantity)
        slippageBps = averageFillPrice.flatMap { Self.slippageBps(average: $0, mid: decisionMid, side: request.side) }
    }

    private static func average(notional: FixedPoint, quantity: Quantity) -> Price? {
        guard !quantity.isZero else { return nil }
        guard let average = try? notional.divided(by: quantity.value, rounding: .toNearestOrAwayFromZero) else { return nil }
        return Price(average)
    }

    private static func slippageBps(average: Price, mid: Price?, side: Side) -> Int? {
        guard let mid, !mid.isZero else { return nil }
        let difference = (average.value - mid.value).times(side.sign)
        guard let bps = try? difference.times(10_000).divided(by: mid.value, rounding: .toNearestOrAwayFromZero)
            .rounded(toMultipleOf: .one, .toNearestOrAwayFromZero) else { return nil }
        return Int(bps.raw / FixedPoint.scale)
    }

    /// The order as a `trades` row.
    public var record: TradeRecord {
        func milliseconds(_ end: Timestamp?) -> Int? {
            guard let end else { return nil }
            return Int(end.nanoseconds(since: request.createdAt) / 1_000_000)
        }
        return TradeRecord(
            clientOrderId: request.clientOrderId, venueOrderId: venueOrderId, strategy: request.strategy,
            symbol: request.instrument, side: request.side, orderType: request.type, positionSide: request.positionSide,
            quantity: request.quantity, price: request.price, avgFillPrice: averageFillPrice,
            filledQuantity: filledQuantity, commission: commission, commissionAsset: commissionAsset,
            realizedPnl: realizedPnl, slippageBps: slippageBps, status: status, rejectReason: rejectReason,
            createdAt: request.createdAt, submittedAt: submittedAt, firstFillAt: firstFillAt, completedAt: completedAt,
            latencyMs: milliseconds(submittedAt), totalLatencyMs: milliseconds(completedAt), mode: mode,
            fillModel: fillModel)
    }

    private func invalid(_ event: String) -> OrderLifecycleError {
        .invalidTransition(order: request.clientOrderId, from: status, event: event)
    }
}
