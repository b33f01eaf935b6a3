import TradingCore

extension OKXOrderStateMachine {
    /// Moves the order's clock: answers overdue become doubt, lookups and rate-limited resends fall due.
    public mutating func advance(to now: Timestamp, actions: inout [OKXOrderAction]) {
        switch phase {
        case .sent(let sentAt, let expiresAt) where now >= sentAt.advanced(byMilliseconds: timing.acknowledgementTimeoutMilliseconds):
            enterDoubt(reason: "no answer within \(timing.acknowledgementTimeoutMilliseconds) ms", expiresAt: expiresAt, at: now, actions: &actions)
        case .inDoubt(let since, let expiresAt, let reason, false, let next) where now >= next:
            phase = .inDoubt(since: since, expiresAt: expiresAt, reason: reason, lookupInFlight: true,
                             nextLookupAt: now.advanced(byMilliseconds: timing.lookupIntervalMilliseconds))
            actions.append(.lookup(lookup))
        case .waitingToResend(let until) where now >= until:
            // Not executed the first time (rate limit): the same order, same id, a fresh expTime.
            let expiresAt = now.advanced(byMilliseconds: timing.expiryMilliseconds)
            phase = .pendingNew(expiresAt: expiresAt)
            actions.append(.place(placeRequest(expiresAt: expiresAt)))
        default:
            break
        }
        if case .waitingToResend(let until) = cancelRequest, now >= until, phase == .open {
            sendCancel(at: now, actions: &actions)
        }
    }
}
