import Execution
import TradingCore

extension OKXOrderStateMachine {
    /// The strategy asks to change the total size and/or price of the live order. One amendment at
    /// a time: a second while one is in flight is refused (the strategy retries on the outcome).
    public mutating func requestAmend(quantity: Quantity?, price: Price?, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard phase == .open, lifecycle.isLive else {
            actions.append(.emit(.amendRejected(record, reason: "the order is not live at OKX (\(lifecycle.status.rawValue))")))
            return
        }
        guard amendment == nil else {
            actions.append(.emit(.amendRejected(record, reason: "an amendment of this order is still in flight")))
            return
        }
        if let quantity, quantity < lifecycle.filledQuantity || quantity.isZero {
            actions.append(.emit(.amendRejected(record, reason: "quantity \(quantity) is below the filled \(lifecycle.filledQuantity)")))
            return
        }
        amendCount += 1
        let request = OKXAmendRequest(instrument: instrument, clientOrderId: clientOrderId, venueOrderId: lifecycle.venueOrderId,
                                      requestId: "a\(String(amendCount, radix: 36))", newSize: quantity, newPrice: price,
                                      expiresAt: now.advanced(byMilliseconds: timing.expiryMilliseconds))
        amendment = PendingAmendment(request: request, inDoubt: false)
        actions.append(.amend(request))
    }

    /// OKX answered the amend request. Success only means "accepted": the push with our `reqId`
    /// carries the result.
    public mutating func amendAnswered(_ ack: OKXOrderAck, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard var pending = amendment, phase != .done else { return }
        switch ack.errorClass {
        case .success:
            return
        case .ambiguous, .duplicateClientOrderId:
            pending.inDoubt = true
            amendment = pending
            actions.append(.lookup(lookup))
        case .rejected, .protocolError, .orderAlreadyFinal, .rateLimited:
            // Not applied; a rate-limited amend is not retried on the strategy's behalf because
            // the market it was meant for has moved on by then.
            amendment = nil
            actions.append(.emit(.amendRejected(record, reason: ack.reason)))
        case .authentication:
            amendment = nil
            actions.append(.emit(.amendRejected(record, reason: ack.reason)))
            actions.append(.haltTrading(reason: "OKX refused our credentials or clock: \(ack.reason)"))
        }
    }

    /// The amend failed in transport: whether it was applied is unknown, so look the order up.
    public mutating func amendFailed(at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard var pending = amendment, phase != .done else { return }
        pending.inDoubt = true
        amendment = pending
        actions.append(.lookup(lookup))
    }

    /// An `orders` push that answers our amendment (its `reqId`); OKX may repeat it, so only the
    /// first counts (the amendment is cleared by it).
    mutating func applyAmendResult(_ update: OKXOrderUpdate, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard let pending = amendment, let requestId = update.amendRequestId, requestId == pending.request.requestId else { return }
        amendment = nil
        switch update.amendResult {
        case "0":
            applyAmendment(size: update.size, price: update.price, at: now, actions: &actions)
        case "1":
            // Failed, and OKX canceled the order (cxlOnFail): the canceled state follows.
            actions.append(.emit(.amendRejected(record, reason: "OKX could not amend and canceled the order (amendResult 1)")))
        default:
            actions.append(.emit(.amendRejected(record, reason: "OKX could not amend the order (amendResult \(update.amendResult ?? "missing"))")))
        }
    }

    /// An amendment in doubt is settled by the looked-up order: its size and price show whether it
    /// was applied; if not, it counts as refused once its `expTime` (plus skew) has passed.
    mutating func resolveAmendmentInDoubt(found update: OKXOrderUpdate, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard let pending = amendment, pending.inDoubt, phase != .done else { return }
        let sizeMatches = pending.request.newSize.map { $0 == update.size } ?? true
        let priceMatches = pending.request.newPrice.map { $0 == update.price } ?? true
        if sizeMatches && priceMatches {
            amendment = nil
            applyAmendment(size: update.size, price: update.price, at: now, actions: &actions)
        } else if now >= pending.request.expiresAt.advanced(byMilliseconds: timing.clockSkewMilliseconds) {
            amendment = nil
            actions.append(.emit(.amendRejected(record, reason: "OKX did not apply the amendment by its expTime")))
        } else {
            actions.append(.lookup(lookup))
        }
    }

    /// Applies the pending amendment when `update` shows its size and price.
    mutating func adoptAmendmentIfApplied(_ update: OKXOrderUpdate, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard let pending = amendment, update.size != lifecycle.request.quantity || update.price != lifecycle.request.price else { return }
        let sizeMatches = pending.request.newSize.map { $0 == update.size } ?? (update.size == lifecycle.request.quantity)
        let priceMatches = pending.request.newPrice.map { $0 == update.price } ?? (update.price == lifecycle.request.price)
        guard sizeMatches && priceMatches else { return }
        amendment = nil
        applyAmendment(size: update.size, price: update.price, at: now, actions: &actions)
    }

    private mutating func applyAmendment(size: Quantity, price: Price?, at now: Timestamp, actions: inout [OKXOrderAction]) {
        let newSize = size == lifecycle.request.quantity ? nil : size
        let newPrice = price == lifecycle.request.price ? nil : price
        guard transition("amend", actions: &actions, { (order) throws(OrderLifecycleError) in
            try order.amend(quantity: newSize, price: newPrice, at: now)
        }) else { return }
        actions.append(.emit(.amended(record)))
        if lifecycle.status == .filled { phase = .done }
    }
}
