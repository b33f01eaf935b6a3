import Execution
import TradingCore

/// What the order state machine asks its shell to do, in order. The shell performs them in the
/// order given: in particular it writes the `.sent` row (``emit(_:)``) before it performs the
/// ``place(_:)`` that follows, so no request leaves without its row.
public enum OKXOrderAction: Sendable, Hashable {
    /// Report an event (persist the record, tell the strategy).
    case emit(VenueEvent)
    /// OKX refused the order, or it was never sent or never placed: the record is terminal
    /// (`rejected` or `failed`) and carries the reason. The shell reports it as
    /// `VenueEvent.rejected(record, reason: .venue(reason))` (OKXVenue's order desk does).
    case refused(TradeRecord, reason: String)
    /// OKX canceled the order on its own (post-only, IOC rest, self-trade prevention, dead-man
    /// switch, ...): reported as `VenueEvent.canceled(record, reason: .venue(source.description))`.
    case canceledByVenue(TradeRecord, OKXCancelSource)
    /// Send this place request (after the `.sent` row is written).
    case place(OKXPlaceRequest)
    /// Send this cancel request.
    case cancel(OKXCancelRequest)
    /// Send this amend request.
    case amend(OKXAmendRequest)
    /// Look the order up by client id and answer with ``OKXOrderStateMachine/lookupAnswered(_:at:actions:)``.
    case lookup(OKXOrderLookup)
    /// Fetch the order's fills and answer with ``OKXOrderStateMachine/fillsFetched(_:at:actions:)``.
    case fetchFills(OKXFillsFetch)
    /// The order is in doubt (its outcome unknown): operators see it; it is resolved by lookups.
    case inDoubt(TradeRecord, reason: String)
    /// OKX executed more than the fills seen explain and the fills could not be fetched: this much
    /// was applied as an inferred fill (its ``VenueEvent/filled(_:_:)`` precedes this action).
    case inferredFill(Quantity, TradeRecord, reason: String)
    /// Keys, signature, clock or environment are wrong: stop all trading.
    case haltTrading(reason: String)
    /// OKX said something that contradicts what the order knows; logged, state kept safe.
    case anomaly(String)
}
