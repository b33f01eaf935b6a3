import Execution
import TradingCore

extension OKXOrderStateMachine {
    /// The place request was written to the connection at `now`.
    public mutating func placeWritten(at now: Timestamp) {
        guard case .pendingNew(let expiresAt) = phase else { return }
        phase = .sent(at: now, expiresAt: expiresAt)
    }

    /// The place request failed in transport. `written` says whether any of it may have reached OKX
    /// (a drop after the write, a timeout, an unreadable answer): then the order is in doubt; if it
    /// provably never left, the order fails without having been sent.
    public mutating func placeFailed(written: Bool, reason: String, at now: Timestamp, actions: inout [OKXOrderAction]) {
        switch phase {
        case .pendingNew where !written:
            let reason = "not sent: \(reason)"
            if transition("fail", actions: &actions, { (order) throws(OrderLifecycleError) in try order.fail(reason: reason, at: now) }) {
                phase = .done
                actions.append(.refused(record, reason: reason))
            }
        case .pendingNew(let expiresAt), .sent(_, let expiresAt):
            enterDoubt(reason: reason, expiresAt: expiresAt, at: now, actions: &actions)
        default:
            return
        }
    }

    /// OKX answered the place request (`sCode`/`sMsg`, or the request-wide code).
    public mutating func placeAnswered(_ ack: OKXOrderAck, at now: Timestamp, actions: inout [OKXOrderAction]) {
        let expiresAt: Timestamp
        switch phase {
        case .pendingNew(let expiry), .sent(_, let expiry): expiresAt = expiry
        case .inDoubt(let doubt):
            // A late answer still counts: it is OKX's word on the order.
            expiresAt = doubt.expiresAt
        case .open, .closing, .done, .waitingToResend:
            // A push got here first (it beats the ack), or this is a duplicate answer.
            if let venueOrderId = ack.venueOrderId, lifecycle.venueOrderId != nil, lifecycle.venueOrderId != venueOrderId {
                actions.append(.anomaly("order \(clientOrderId): ack names ordId \(venueOrderId), pushes named \(lifecycle.venueOrderId.map(\.rawValue) ?? "none")"))
            }
            return
        }
        switch ack.errorClass {
        case .success:
            guard let venueOrderId = ack.venueOrderId else {
                enterDoubt(reason: "OKX acknowledged without an ordId", expiresAt: expiresAt, at: now, actions: &actions)
                return
            }
            accept(venueOrderId: venueOrderId, at: now, actions: &actions)
        case .rejected, .protocolError, .orderAlreadyFinal:
            refuse(reason: ack.reason, at: now, actions: &actions)
        case .authentication:
            // Not executed (OKX refused the request before looking at the order); and every other
            // request would fail the same way.
            refuse(reason: ack.reason, at: now, actions: &actions)
            actions.append(.haltTrading(reason: "OKX refused our credentials or clock: \(ack.reason)"))
        case .rateLimited:
            phase = .waitingToResend(until: now.advanced(byMilliseconds: timing.rateLimitPauseMilliseconds))
        case .ambiguous, .duplicateClientOrderId:
            // 51016: a pending order already has this id, i.e. an earlier send of this very order
            // landed (ids are unique forever): find it and adopt it.
            enterDoubt(reason: ack.reason, expiresAt: expiresAt, at: now, actions: &actions)
        }
    }

    /// The order is live at OKX: accepted exactly once, whichever of ack, push or lookup said so first.
    mutating func accept(venueOrderId: VenueOrderId, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard phase.isPlacementUnresolved else { return }
        guard transition("accept", actions: &actions, { (order) throws(OrderLifecycleError) in
            try order.accept(venueOrderId: venueOrderId, at: now)
        }) else { return }
        phase = .open
        actions.append(.emit(.accepted(record)))
        if cancelRequest == .wanted { sendCancel(at: now, actions: &actions) }
    }

    /// OKX definitively refused the order.
    mutating func refuse(reason: String, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard transition("reject", actions: &actions, { (order) throws(OrderLifecycleError) in
            try order.reject(venueOrderId: nil, reason: reason, at: now)
        }) else { return }
        phase = .done
        actions.append(.refused(record, reason: reason))
    }
}
