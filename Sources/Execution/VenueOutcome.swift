/// How an order ended on the venue, for the replay summary: every order the venue accepted is
/// counted under one of these once it ends, so a run with no fills always says why.
public enum VenueOutcome: String, Sendable, Hashable, CaseIterable {
    /// Filled completely.
    case filled
    /// Canceled at the strategy's (or the host's) request.
    case canceled
    /// A market order that found nothing to fill against (no book side, no trade or bar yet).
    case noLiquidity = "no_liquidity"
    /// A market order whose rest was canceled after the visible book ran out.
    case bookExhausted = "book_exhausted"
    /// A post-only order that would have taken liquidity.
    case postOnlyRefused = "post_only_refused"
    /// An IOC order's unfilled rest.
    case immediateOrCancelRest = "ioc_rest"
    /// A FOK order that could not fill completely.
    case fillOrKillUnfillable = "fok_unfillable"
    /// A request that reached the venue after its expiry time.
    case expired
    /// Refused before it became live (instrument, size or price rules).
    case rejected

    /// Words for the human summary.
    public var label: String {
        switch self {
        case .filled: "filled"
        case .canceled: "canceled on request"
        case .noLiquidity: "canceled for no liquidity"
        case .bookExhausted: "book exhausted"
        case .postOnlyRefused: "post-only refused"
        case .immediateOrCancelRest: "ioc rest canceled"
        case .fillOrKillUnfillable: "fok unfillable"
        case .expired: "expired"
        case .rejected: "rejected"
        }
    }
}

extension VenueCancelReason {
    /// The outcome this cancel counts as.
    public var outcome: VenueOutcome {
        switch self {
        case .noLiquidity: .noLiquidity
        case .bookExhausted: .bookExhausted
        case .immediateOrCancelRest: .immediateOrCancelRest
        case .fillOrKillUnfillable: .fillOrKillUnfillable
        case .postOnlyWouldTake: .postOnlyRefused
        // The venue's own reasons have no outcome of their own; the record's reason says which.
        case .venue: .canceled
        }
    }
}

extension VenueEvent {
    /// How the order ended, if this event ended it.
    public var outcome: VenueOutcome? {
        switch self {
        case .filled(_, let record): record.status == .filled ? .filled : nil
        case .canceled(_, let reason): reason?.outcome ?? .canceled
        case .expired: .expired
        case .rejected: .rejected
        case .amended(let record): record.status == .filled ? .filled : nil
        case .sent, .accepted, .amendRejected, .cancelRejected: nil
        }
    }
}
