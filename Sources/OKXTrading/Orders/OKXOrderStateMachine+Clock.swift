import TradingCore

extension OKXOrderStateMachine {
    /// Moves the order's clock: answers overdue become doubt, lookups and rate-limited resends fall
    /// due, and a cancel or amendment that no push settled is checked by a lookup.
    public mutating func advance(to now: Timestamp, actions: inout [OKXOrderAction]) {
        switch phase {
        case .sent(let sentAt, let expiresAt) where now >= sentAt.advanced(byMilliseconds: timing.acknowledgementTimeoutMilliseconds):
            enterDoubt(reason: "no answer within \(timing.acknowledgementTimeoutMilliseconds) ms", expiresAt: expiresAt, at: now, actions: &actions)
        case .inDoubt(var doubt) where doubt.lookupSentAt == nil && now >= doubt.nextLookupAt:
            doubt.lookupSentAt = now
            doubt.nextLookupAt = now.advanced(byMilliseconds: timing.lookupIntervalMilliseconds)
            phase = .inDoubt(doubt)
            actions.append(.lookup(lookup))
        case .waitingToResend(let until) where now >= until:
            // Not executed the first time (rate limit): the same order, same id, a fresh expTime.
            let expiresAt = now.advanced(byMilliseconds: timing.expiryMilliseconds)
            phase = .pendingNew(expiresAt: expiresAt)
            actions.append(.place(placeRequest(expiresAt: expiresAt)))
        default:
            break
        }
        guard phase == .open else { return }
        switch cancelRequest {
        case .waitingToResend(let until) where now >= until:
            sendCancel(at: now, actions: &actions)
        case .sent(let at) where now >= at.advanced(byMilliseconds: timing.acknowledgementTimeoutMilliseconds):
            // Accepted (or unanswered) but no push ended the order: ask OKX rather than cancel again.
            cancelRequest = .sent(at: now)
            actions.append(.lookup(lookup))
        default:
            break
        }
        if var pending = amendment, !pending.inDoubt,
           now >= pending.request.expiresAt.advanced(byMilliseconds: timing.clockSkewMilliseconds) {
            // No push with our reqId by expTime: look at the order to see whether it changed.
            pending.inDoubt = true
            amendment = pending
            actions.append(.lookup(lookup))
        }
    }
}
