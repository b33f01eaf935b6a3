import Execution
import OKXTrading
import TradingCore

/// What the order desk reports besides ``VenueEvent``s: what operators must see (in-doubt orders,
/// anomalies, orders placed outside the runtime, position mismatches, halts).
public enum OKXDeskNote: Sendable, Hashable {
    /// The order's outcome is unknown; it is being looked up.
    case inDoubt(TradeRecord, reason: String)
    /// A fill that no push or fills query showed was applied from OKX's `accFillSz`.
    case inferredFill(Quantity, TradeRecord, reason: String)
    /// Trading must stop (credentials, clock, environment).
    case halt(String)
    /// OKX said something that contradicts what the order knows.
    case anomaly(String)
    /// An open order at OKX the runtime did not place.
    case externalOrder(OKXOrderUpdate)
    /// A fill of an order the runtime did not place.
    case externalFill(OKXFillDetail)
    /// A position reconciliation could not explain: its strategies must halt.
    case positionMismatch(OKXPositionMismatch)
    /// A reconciliation could not pull OKX's state; it is retried.
    case reconciliationFailed(String)
}
