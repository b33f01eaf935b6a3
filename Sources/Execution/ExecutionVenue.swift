import TradingCore

/// The seam between the host and a place orders go: the paper venue today, OKX's private API
/// later. A venue is owned by the host's single event loop and is driven synchronously: each
/// call appends what happened to `events` (a buffer the host reuses, so no allocation per call).
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

    /// Feeds one validated market event (books and trades drive the paper fill model).
    func handle(_ event: MarketEvent, events: inout [VenueEvent])

    /// Moves the venue's clock to `time` without market data (timers, end of replay).
    func advance(to time: Timestamp, events: inout [VenueEvent])

    /// Adds the realized PnL the portfolio computed for a fill to the order's record and returns it.
    func attributeRealizedPnl(_ amount: Money, to clientOrderId: ClientOrderId) -> TradeRecord?

    /// The current record of an order, nil if unknown (or forgotten after completion).
    func record(of clientOrderId: ClientOrderId) -> TradeRecord?
}
