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

extension OKXDeskNote {
    /// The note as the host acts on it; nil for what is only logged.
    var notice: VenueNotice? {
        switch self {
        case .inDoubt:
            nil
        case .inferredFill(let quantity, let record, let reason):
            .warning(eventType: "venue_inferred_fill",
                     description: "order \(record.clientOrderId): a fill of \(quantity) was inferred from OKX's filled size (\(reason))")
        case .halt(let reason):
            .halt(strategies: nil, eventType: "venue_halt", reason: reason)
        case .anomaly(let text):
            .warning(eventType: "venue_anomaly", description: text)
        case .externalOrder(let update):
            .warning(eventType: "venue_external_order",
                     description: "an open order at OKX the runtime did not place: ordId \(update.venueOrderId) on \(update.instrument)")
        case .externalFill(let fill):
            .warning(eventType: "venue_external_fill", description: "a fill at OKX of an order the runtime did not place: \(fill)")
        case .positionMismatch(let mismatch):
            // A position no strategy of this runtime traded: which one it hurts is unknown, so all stop.
            .halt(strategies: mismatch.strategies.isEmpty ? nil : mismatch.strategies, eventType: "venue_position_mismatch",
                  reason: mismatch.description)
        case .reconciliationFailed(let reason):
            .warning(eventType: "venue_reconciliation_failed", description: "could not reconcile with OKX (retried): \(reason)")
        }
    }
}
