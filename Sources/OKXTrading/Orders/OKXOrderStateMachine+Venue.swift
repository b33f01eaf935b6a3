import Execution
import TradingCore

extension OKXOrderStateMachine {
    /// An `orders` push (or an order from a REST query) for this order: OKX's word, adopted.
    /// Duplicates and late pushes are harmless: fills count once, terminal states are final.
    public mutating func venueUpdated(_ update: OKXOrderUpdate, at now: Timestamp, actions: inout [OKXOrderAction]) {
        if phase == .done {
            // OKX repeats messages, and a fill counted before without its trade id may turn up;
            // a fill that adds to an ended order would be a real contradiction.
            if let fill = update.fill, case .apply(let quantity) = ledger.admit(fill) {
                actions.append(.anomaly("order \(clientOrderId): fill \(fill.tradeId) of \(quantity) arrived after the order ended"))
            }
            return
        }
        if let venueOrderId = lifecycle.venueOrderId, venueOrderId != update.venueOrderId {
            // clOrdIds are unique forever, so a different ordId is someone else's order with our id.
            actions.append(.anomaly("order \(clientOrderId): update for ordId \(update.venueOrderId), ours is \(venueOrderId); ignored"))
            return
        }
        // The first sign of life accepts the order, before any fill (a push can beat the ack).
        accept(venueOrderId: update.venueOrderId, at: now, actions: &actions)
        guard lifecycle.venueOrderId != nil else { return }
        ledger.observeVenueFilled(update.accumulatedFillSize)
        applyAmendResult(update, at: now, actions: &actions)
        // The push with our reqId may be lost; an order that already shows the amended size and
        // price is evidence enough, and must be adopted before fills beyond the old size count.
        adoptAmendmentIfApplied(update, at: now, actions: &actions)
        if let fill = update.fill { applyFill(fill, at: now, actions: &actions) }
        if update.state.isTerminal {
            close(with: update, at: now, actions: &actions)
        } else if !ledger.gap.isZero {
            requestFills(actions: &actions)
        }
    }

    /// The answer to a lookup by client id: the order as OKX has it, or nil when OKX has no such order.
    public mutating func lookupAnswered(_ update: OKXOrderUpdate?, at now: Timestamp, actions: inout [OKXOrderAction]) {
        var sentAt: Timestamp?
        if case .inDoubt(var doubt) = phase {
            sentAt = doubt.lookupSentAt
            doubt.lookupSentAt = nil
            phase = .inDoubt(doubt)
        }
        if let update {
            venueUpdated(update, at: now, actions: &actions)
            resolveAmendmentInDoubt(found: update, at: now, actions: &actions)
            return
        }
        switch phase {
        case .inDoubt(var doubt):
            let deadline = doubt.decisiveAfter(clockSkewMilliseconds: timing.clockSkewMilliseconds)
            if let sentAt, sentAt >= deadline {
                // OKX discards a request it has not processed by expTime, so an order it did not
                // know when asked after expTime (plus clock error) was never placed.
                let text = "not placed: OKX had no order \(clientOrderId) at \(sentAt), after expTime \(doubt.expiresAt) + \(timing.clockSkewMilliseconds) ms (in doubt since \(doubt.since): \(doubt.reason))"
                if transition("reject", actions: &actions, { (order) throws(OrderLifecycleError) in
                    try order.reject(venueOrderId: nil, reason: text, at: now)
                }) {
                    phase = .done
                    actions.append(.emit(.expired(record)))
                }
            } else {
                // Too early to tell (or an answer to a lookup we did not send): the request may
                // still be on its way. Ask again, at the latest right at the deadline.
                doubt.nextLookupAt = max(now, min(now.advanced(byMilliseconds: timing.lookupIntervalMilliseconds), deadline))
                phase = .inDoubt(doubt)
            }
        case .open, .closing:
            // OKX forgets canceled orders without fills after two hours; one we thought live that
            // OKX no longer knows ended without (further) fills.
            let text = "OKX no longer knows the order (canceled orders without fills are kept 2 h); closed as canceled"
            if transition("cancel", actions: &actions, { (order) throws(OrderLifecycleError) in try order.cancel(reason: text, at: now) }) {
                phase = .done
                actions.append(.anomaly("order \(clientOrderId): \(text)"))
                actions.append(.emit(.canceled(record, reason: nil)))
            }
        case .pendingNew, .sent, .waitingToResend, .done:
            return
        }
    }

    /// A lookup failed in transport: try again after the lookup interval.
    public mutating func lookupFailed(at now: Timestamp) {
        guard case .inDoubt(var doubt) = phase else { return }
        doubt.lookupSentAt = nil
        doubt.nextLookupAt = now.advanced(byMilliseconds: timing.lookupIntervalMilliseconds)
        phase = .inDoubt(doubt)
    }

    /// The order's fills from `GET /trade/fills`. Whatever OKX executed beyond them is inferred.
    public mutating func fillsFetched(_ fills: [OKXFillDetail], at now: Timestamp, actions: inout [OKXOrderAction]) {
        fillsFetchInFlight = false
        guard phase != .done else { return }
        for fill in fills.sorted(by: { ($0.time, $0.tradeId.rawValue) < ($1.time, $1.tradeId.rawValue) })
        where fill.venueOrderId == lifecycle.venueOrderId {
            applyFill(fill, at: now, actions: &actions)
        }
        if !ledger.gap.isZero { inferMissingFill(at: now, actions: &actions) }
        if case .closing(let update) = phase { close(with: update, at: now, actions: &actions) }
    }

    /// A fills fetch failed: the gap is closed by inference so the record can close; a real fill
    /// that turns up later confirms the inference instead of counting twice.
    public mutating func fillsFetchFailed(at now: Timestamp, actions: inout [OKXOrderAction]) {
        fillsFetched([], at: now, actions: &actions)
    }

    mutating func requestFills(actions: inout [OKXOrderAction]) {
        guard !fillsFetchInFlight, let venueOrderId = lifecycle.venueOrderId else { return }
        fillsFetchInFlight = true
        actions.append(.fetchFills(OKXFillsFetch(instrument: instrument, venueOrderId: venueOrderId)))
    }

    /// Ends the record the way OKX ended the order, once its fills add up.
    mutating func close(with update: OKXOrderUpdate, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard ledger.gap.isZero else {
            phase = .closing(update)
            requestFills(actions: &actions)
            return
        }
        let cancelWasRequested = cancelRequest != .none
        switch update.state {
        case .filled:
            if !lifecycle.status.isTerminal {
                if lifecycle.filledQuantity.isZero {
                    // A market order can report `filled` before its fills; with no fill at all
                    // there is nothing to close as filled.
                    _ = transition("cancel", actions: &actions) { (order) throws(OrderLifecycleError) in
                        try order.cancel(reason: "OKX reported filled with nothing filled", at: now)
                    }
                    actions.append(.anomaly("order \(clientOrderId): OKX reported filled with accFillSz 0"))
                    actions.append(.emit(.canceled(record, reason: nil)))
                } else if transition("settle filled", actions: &actions, { (order) throws(OrderLifecycleError) in
                    // OKX filled less than ordered and calls it done (a spot market order sized to
                    // the balance): the ordered size becomes the filled size, which closes the
                    // record as filled; reported as an amendment to that size.
                    try order.amend(quantity: order.filledQuantity, price: nil, at: now)
                }) {
                    actions.append(.emit(.amended(record)))
                }
            }
            if cancelWasRequested { actions.append(.emit(.cancelRejected(record, reason: "the order filled before the cancel"))) }
        case .canceled, .mmpCanceled:
            let source = update.cancelSource.map(OKXCancelSource.init(code:))
            // No cancelSource: ours if we asked for a cancel, else the venue's.
            let userCancel = source?.isUserRequest ?? cancelWasRequested
            let reason: String? = userCancel
                ? (cancelWasRequested ? nil : "canceled outside the runtime (cancelSource 1: by the account holder)")
                : (source ?? OKXCancelSource(code: "")).description
            guard transition("cancel", actions: &actions, { (order) throws(OrderLifecycleError) in try order.cancel(reason: reason, at: now) }) else {
                phase = .done
                return
            }
            actions.append(userCancel ? .emit(.canceled(record, reason: nil)) : .canceledByVenue(record, source ?? OKXCancelSource(code: "")))
        case .live, .partiallyFilled, .unknown:
            return
        }
        phase = .done
        amendment = nil
        cancelRequest = .none
    }
}
