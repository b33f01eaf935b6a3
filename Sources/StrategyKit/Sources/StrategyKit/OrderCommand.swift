import TradingCore

/// What a strategy asked for during one callback. The host drains these from the context's outbox
/// right after the callback returns and sends each through the risk engine, in order.
public enum OrderCommand: Hashable, Sendable {
    /// Place a new order.
    case submit(OrderRequest)
    /// Cancel a working order.
    case cancel(clientOrderId: ClientOrderId, instrument: InstrumentId)
    /// Change a working order's price and/or total quantity (nil leaves it unchanged).
    case amend(clientOrderId: ClientOrderId, instrument: InstrumentId, newQuantity: Quantity?, newPrice: Price?)

    /// The order the command is about.
    public var clientOrderId: ClientOrderId {
        switch self {
        case .submit(let request): request.clientOrderId
        case .cancel(let id, _), .amend(let id, _, _, _): id
        }
    }

    /// The instrument the command is about.
    public var instrument: InstrumentId {
        switch self {
        case .submit(let request): request.instrument
        case .cancel(_, let instrument), .amend(_, let instrument, _, _): instrument
        }
    }
}

/// An order of the strategy that is not finished yet, as the context tracks it.
public struct OpenOrder: Hashable, Sendable {
    /// Where the order is in its life.
    public enum State: String, Hashable, Sendable {
        /// Submitted by the strategy; the host has not confirmed it yet (risk check, venue ack).
        case pendingNew = "pending_new"
        /// Working at the venue.
        case working
        /// A cancel was requested and not confirmed yet.
        case pendingCancel = "pending_cancel"
    }

    /// The order as submitted (price and quantity reflect accepted amends).
    public var request: OrderRequest
    /// How much has been filled so far.
    public var filledQuantity: Quantity
    /// Where the order is in its life.
    public var state: State

    /// Creates a tracked order.
    public init(request: OrderRequest, filledQuantity: Quantity = .zero, state: State = .pendingNew) {
        self.request = request
        self.filledQuantity = filledQuantity
        self.state = state
    }

    /// The order's client id.
    public var clientOrderId: ClientOrderId { request.clientOrderId }
    /// The order's instrument.
    public var instrument: InstrumentId { request.instrument }
    /// Buy or sell.
    public var side: Side { request.side }
    /// The limit price; nil for market orders.
    public var price: Price? { request.price }
    /// What is left to fill.
    public var remainingQuantity: Quantity { request.quantity.subtractingClamped(filledQuantity) }
}

/// Why the host refused an order, an amend or a cancel.
public struct OrderRejection: Hashable, Sendable {
    /// The command that was refused.
    public var command: OrderCommand
    /// A short machine-readable code, e.g. the risk check's metric (`max_order_notional`,
    /// `price_band_pct`, `strategy_halted`) or the venue's error.
    public var code: String
    /// A sentence for humans: what was wrong and the limit involved.
    public var reason: String

    /// Creates a rejection.
    public init(command: OrderCommand, code: String, reason: String) {
        self.command = command
        self.code = code
        self.reason = reason
    }

    /// The order the rejection is about.
    public var clientOrderId: ClientOrderId { command.clientOrderId }
}

/// Why the context refused to queue an order before it ever reached the host. These are shape
/// errors (a bug in the strategy), so they are thrown; risk refusals arrive later as
/// ``Strategy/onOrderRejected(_:)``.
public enum OrderSubmissionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The instrument is not one of the strategy's (the manifest's `instruments`).
    case unknownInstrument(InstrumentId)
    /// The quantity is zero.
    case zeroQuantity(InstrumentId)
    /// The quantity is not a multiple of the instrument's lot size.
    case quantityOffLotGrid(Quantity, lotSize: Quantity, instrument: InstrumentId)
    /// The quantity is below the instrument's minimum order size.
    case quantityBelowMinimum(Quantity, minimum: Quantity, instrument: InstrumentId)
    /// A limit-priced order type has no price, or a zero price.
    case missingPrice(OrderType)
    /// The price is not a multiple of the instrument's tick size.
    case priceOffTickGrid(Price, tickSize: Price, instrument: InstrumentId)
    /// Cancel or amend of an order that is not open.
    case unknownOrder(ClientOrderId)
    /// An amend that changes nothing.
    case emptyAmend(ClientOrderId)

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .unknownInstrument(let id):
            "instrument \(id) is not one of this strategy's instruments; add it to the manifest's `instruments`"
        case .zeroQuantity(let id):
            "order quantity for \(id) is zero"
        case .quantityOffLotGrid(let quantity, let lot, let id):
            "quantity \(quantity) for \(id) is not a multiple of the lot size \(lot); round it with context.roundQuantity"
        case .quantityBelowMinimum(let quantity, let minimum, let id):
            "quantity \(quantity) for \(id) is below the minimum order size \(minimum)"
        case .missingPrice(let type):
            "a \(type.rawValue) order needs a positive limit price"
        case .priceOffTickGrid(let price, let tick, let id):
            "price \(price) for \(id) is not a multiple of the tick size \(tick); round it with context.roundPrice"
        case .unknownOrder(let id):
            "order \(id) is not open"
        case .emptyAmend(let id):
            "amend of \(id) changes neither price nor quantity"
        }
    }
}
