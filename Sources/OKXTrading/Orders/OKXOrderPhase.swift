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
    /// by lookups by client id.
    case inDoubt(OKXDoubt)
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

/// An order whose placement outcome is unknown, and the lookups that will settle it.
public struct OKXDoubt: Sendable, Hashable {
    /// Since when.
    public var since: Timestamp
    /// The place request's `expTime`: OKX discards the request if it has not processed it by then.
    public var expiresAt: Timestamp
    /// What made the outcome unknown.
    public var reason: String
    /// When the lookup now in flight was sent; nil when none is.
    public var lookupSentAt: Timestamp?
    /// When the next lookup is due.
    public var nextLookupAt: Timestamp

    /// "Not found" proves "not placed" only for a lookup *sent* after this: OKX may still process
    /// the place request until its expTime, and our clock may be off by the skew margin. (A lookup
    /// sent earlier but answered later proves nothing.)
    public func decisiveAfter(clockSkewMilliseconds: Int64) -> Timestamp {
        expiresAt.advanced(byMilliseconds: clockSkewMilliseconds)
    }
}
