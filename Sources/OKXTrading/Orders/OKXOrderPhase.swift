import TradingCore

/// Where an order stands in its conversation with OKX (the record's ``OrderStatus`` says where
/// it stands in trading terms).
public enum OKXOrderPhase: Sendable, Hashable {
    /// The row is written (`.sent` emitted) and a place request is queued, not yet on the wire.
    case pendingNew(expiresAt: Timestamp)
    /// The place request was written; no answer yet.
    case sent(at: Timestamp, expiresAt: Timestamp)
    /// OKX refused the request for its rate: it was not executed and goes again at `until`.
    case waitingToResend(until: Timestamp)
    /// The outcome is unknown (timeout, drop after write, ambiguous code). Never resent; resolved
    /// by lookups by client id. `expiresAt` is the request's `expTime`: "not found" only counts as
    /// "not placed" after `expiresAt` + clock skew.
    case inDoubt(since: Timestamp, expiresAt: Timestamp, reason: String, lookupInFlight: Bool, nextLookupAt: Timestamp)
    /// Live at OKX (acknowledged or pushed).
    case open
    /// OKX says the order ended, but its fills do not yet add up to `accFillSz`: waiting for them
    /// before the record is closed (a closed record cannot take a fill).
    case closing(OKXOrderUpdate)
    /// Ended; later messages about it are duplicates.
    case done

    var isPlacementUnresolved: Bool {
        switch self {
        case .pendingNew, .sent, .waitingToResend, .inDoubt: true
        case .open, .closing, .done: false
        }
    }
}
