import TradingCore

/// What happened to an order on a venue. Every case carries the order's ``TradeRecord`` as it
/// stands after the event, so the host can upsert the `trades` row from any event.
///
/// Indirect: an event is copied several times on its way (the venue's batch, the engine's work
/// queue, the record it carries), and a copy is then one reference, not a 500-byte record with
/// half a dozen strings to retain (measured: a twelfth of a candles backtest's time).
public indirect enum VenueEvent: Hashable, Sendable {
    /// The order left for the venue and is in flight (status `pending`).
    case sent(TradeRecord)
    /// The venue acknowledged the order; it is live (status `submitted`).
    case accepted(TradeRecord)
    /// The venue refused the order before it became live; the record carries the reason.
    case rejected(TradeRecord, reason: VenueRejection)
    /// One execution; the record's status is `partially_filled` or `filled`.
    case filled(Fill, TradeRecord)
    /// The order ended without filling completely: canceled on request (`reason` nil) or by the
    /// venue's rules (`reason` says which).
    case canceled(TradeRecord, reason: VenueCancelReason?)
    /// The venue applied an amendment (new price and/or size).
    case amended(TradeRecord)
    /// The venue refused an amendment; the order is unchanged.
    case amendRejected(TradeRecord, reason: String)
    /// The venue refused a cancel (the order had already ended).
    case cancelRejected(TradeRecord, reason: String)
    /// The venue dropped the request because it arrived after its expiry time (OKX `expTime`).
    /// The paper venue never emits this: requests have no expiry yet; it is here for the live venue.
    case expired(TradeRecord)

    /// The order's record after the event.
    public var record: TradeRecord {
        switch self {
        case .sent(let record), .accepted(let record), .amended(let record), .expired(let record): record
        case .rejected(let record, _), .canceled(let record, _): record
        case .filled(_, let record): record
        case .amendRejected(let record, _), .cancelRejected(let record, _): record
        }
    }
}

/// Why a venue refused an order.
public enum VenueRejection: Hashable, Sendable, CustomStringConvertible {
    /// The venue has no trading rules for the instrument; add it to config/instruments.yaml.
    case unknownInstrument(InstrumentId)
    /// The venue does not trade this kind of instrument (options, coin-margined contracts).
    case unsupportedInstrument(InstrumentId, reason: String)
    /// The size is zero or below the instrument's minimum.
    case quantityBelowMinimum(Quantity, minimum: Quantity)
    /// The size is not a multiple of the lot size.
    case quantityOffLotGrid(Quantity, lotSize: Quantity)
    /// A limit-priced order type without a positive price.
    case missingLimitPrice(OrderType)
    /// The price is not a multiple of the tick size.
    case priceOffTickGrid(Price, tickSize: Price)
    /// A fee or notional did not fit the fixed-point range.
    case arithmetic(FixedPointArithmeticError)
    /// A live venue refused the order, or it was provably never placed there; the text keeps the
    /// venue's own code and message (e.g. `OKX 51008: Insufficient USDT balance`).
    case venue(String)

    public var description: String {
        switch self {
        case .unknownInstrument(let id): "unknown instrument \(id): the venue has no tick/lot rules for it; add it to config/instruments.yaml"
        case .unsupportedInstrument(let id, let reason): "instrument \(id) is not supported: \(reason)"
        case .quantityBelowMinimum(let quantity, let minimum): "quantity \(quantity) is below the minimum order size \(minimum)"
        case .quantityOffLotGrid(let quantity, let lot): "quantity \(quantity) is not a multiple of the lot size \(lot)"
        case .missingLimitPrice(let type): "a \(type.rawValue) order needs a positive limit price"
        case .priceOffTickGrid(let price, let tick): "price \(price) is not a multiple of the tick size \(tick)"
        case .arithmetic(let error): "amount out of range: \(error)"
        case .venue(let text): text
        }
    }
}

/// Why a venue canceled an order on its own (OKX's rules for each order type).
public enum VenueCancelReason: Hashable, Sendable, CustomStringConvertible {
    /// A market order found no liquidity on the other side of the book.
    case noLiquidity
    /// A market order exhausted the visible book; OKX cancels the unfilled rest.
    case bookExhausted(unfilled: Quantity)
    /// An IOC order's rest that could not fill immediately at its price or better.
    case immediateOrCancelRest(unfilled: Quantity)
    /// A FOK order could not fill completely at its price or better; nothing filled.
    case fillOrKillUnfillable(available: Quantity)
    /// A post-only order would have taken liquidity at its price.
    case postOnlyWouldTake(price: Price, opposite: Price)
    /// A live venue canceled the order for a reason of its own (self-trade prevention, risk
    /// control, a dead-man switch, ...); the text names the venue's code.
    case venue(String)

    public var description: String {
        switch self {
        case .noLiquidity: "market order canceled: no liquidity on the other side of the book"
        case .bookExhausted(let unfilled): "market order rest of \(unfilled) canceled: visible book depth exhausted"
        case .immediateOrCancelRest(let unfilled): "ioc rest of \(unfilled) canceled: not fillable immediately at the limit or better"
        case .fillOrKillUnfillable(let available): "fok canceled: only \(available) available at the limit or better"
        case .postOnlyWouldTake(let price, let opposite): "post_only canceled: price \(price) would take liquidity against \(opposite)"
        case .venue(let text): text
        }
    }
}

/// A request the venue cannot even accept for processing (a caller bug, not a market outcome).
public enum VenueRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An order with this client order id was already submitted; client order ids must be unique.
    case duplicateClientOrderId(ClientOrderId)
    /// No order with this client order id was ever submitted to this venue.
    case unknownOrder(ClientOrderId)
    /// An amendment that changes neither price nor size.
    case emptyAmendment(ClientOrderId)

    public var description: String {
        switch self {
        case .duplicateClientOrderId(let id): "client order id \(id) was already used; generate a fresh one per order"
        case .unknownOrder(let id): "no order with client order id \(id) was submitted to this venue"
        case .emptyAmendment(let id): "amendment of \(id) changes neither price nor quantity"
        }
    }
}
