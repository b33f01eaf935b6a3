import TradingCore

/// The seam between the host and a place orders go: the paper venue, and OKX's private API. The
/// engine drives every venue through this protocol and nothing else. A venue is owned by the
/// host's single event loop and is driven synchronously: each call appends what happened to
/// `events` (a buffer the host reuses, so no allocation per call).
///
/// Time is whatever clock the host runs on (event time in replay); a venue never reads a wall
/// clock. Requests may take effect later than the call (latency): the venue reports that as
/// events from later calls to ``handle(_:events:)`` or ``advance(to:events:)``.
///
/// Host wiring, per event (one database transaction per trade + position change):
/// - `.filled(fill, _)`: `outcome = portfolio.apply(fill)`; then
///   `record = venue.attributeRealizedPnl(outcome.realizedPnl, to: fill.clientOrderId)`; write
///   `record` (trades) and `outcome.position` (positions) together; force an equity sample.
/// - any other event: upsert `event.record`.
/// - when a record becomes terminal with some size filled: hand it to the daily rollup
///   (Portfolio's `ClosedTrade` from the record's fields).
public protocol ExecutionVenue: AnyObject {
    /// Live, paper or replay: stamped on every record the venue produces.
    var mode: TradingMode { get }

    /// Sends a new order decided at `time`. Emits at least `.sent`; with zero latency the
    /// outcome (`.accepted`, fills, `.rejected`, `.canceled`) follows in the same call.
    func submit(_ request: OrderRequest, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError)

    /// Asks to cancel a live order.
    func cancel(_ clientOrderId: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError)

    /// Asks to change a live order's total size (including what has filled) and/or price.
    func amend(_ clientOrderId: ClientOrderId, quantity: Quantity?, price: Price?, at time: Timestamp,
               events: inout [VenueEvent]) throws(VenueRequestError)

    /// How long a request takes to reach the venue: after the strategies stop, the host keeps the
    /// venue's clock running this long, so that their last cancels arrive.
    var requestLatencyNanoseconds: Int64 { get }

    /// A validated book message (the paper venue's book follows it; a real exchange has its own).
    func handle(book update: BookUpdate, events: inout [VenueEvent])

    /// A validated public trade.
    func handle(trade: TradeTick, events: inout [VenueEvent])

    /// A validated candle.
    func handle(candle: Candle, events: inout [VenueEvent])

    /// Moves the venue's clock to `time` without market data (timers, end of replay).
    func advance(to time: Timestamp, events: inout [VenueEvent])

    /// Adds the realized PnL the portfolio computed for a fill to the order's record and returns it.
    func attributeRealizedPnl(_ amount: Money, to clientOrderId: ClientOrderId) -> TradeRecord?

    /// The current record of an order, nil if unknown (or forgotten after completion).
    func record(of clientOrderId: ClientOrderId) -> TradeRecord?

    /// The realized PnL attributed to an order so far, nil if unknown (``record(of:)``'s, without
    /// building the whole record).
    func realizedPnl(of clientOrderId: ClientOrderId) -> Money?

    /// Records of the orders still pending or live, in client order id order.
    var openOrders: [TradeRecord] { get }

    /// Drops finished orders from memory, once the host has persisted them and attributed their PnL.
    func forgetCompletedOrders()

    /// How orders were filled, per instrument with market data (the run summary's `fill_model`);
    /// empty for an exchange, which fills against its own book.
    var fillModels: [InstrumentId: FillModel] { get }

    /// Whether requests are waiting for ``recordsAreDurable()``. An exchange venue holds each new
    /// order until the host has committed the rows handed on before it (an order that leaves
    /// before its row exists is lost to a crash), and a cancel or amend of an order it holds
    /// behind that order. The paper venue holds none.
    var holdsRequests: Bool { get }

    /// The host committed every record handed on so far: held requests may leave.
    func recordsAreDurable()

    /// The host could not commit a record handed on before the held requests: the new orders
    /// among them must not leave without their rows, so each ends `.rejected` with `reason`.
    /// Cancels and amends of those orders go with them.
    func withdrawHeldOrders(reason: String, events: inout [VenueEvent])

    /// What operators must see and the host must do since the last call (see ``VenueNotice``).
    func takeNotices() -> [VenueNotice]

    /// Whether ``takeNotices()`` has something. The engine asks after every call into the venue,
    /// so that a halt is carried out before any strategy sees the input that brought it.
    var hasNotices: Bool { get }

    /// The portfolio applied `fill`: the strategy's position in its instrument is now `position`
    /// (signed: short is negative). For a venue that reconciles positions with an exchange.
    func fillApplied(_ fill: Fill, position: FixedPoint)
}

extension ExecutionVenue {
    public var holdsRequests: Bool { false }
    public func recordsAreDurable() {}
    public func withdrawHeldOrders(reason: String, events: inout [VenueEvent]) {}
    public func takeNotices() -> [VenueNotice] { [] }
    public var hasNotices: Bool { false }
    public func fillApplied(_ fill: Fill, position: FixedPoint) {}
    public func realizedPnl(of clientOrderId: ClientOrderId) -> Money? { record(of: clientOrderId)?.realizedPnl }
}

extension ExecutionVenue {
    /// Feeds one validated market event; a ticker only moves the clock.
    public func handle(_ event: MarketEvent, events: inout [VenueEvent]) {
        switch event {
        case .book(let update): handle(book: update, events: &events)
        case .trade(let trade): handle(trade: trade, events: &events)
        case .ticker(let ticker): advance(to: ticker.timestamp, events: &events)
        case .candle(let candle): handle(candle: candle, events: &events)
        }
    }
}
