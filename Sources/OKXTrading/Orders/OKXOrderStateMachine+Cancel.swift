import Execution
import TradingCore

extension OKXOrderStateMachine {
    /// The strategy asks to cancel. Idempotent: one cancel in flight per order; a cancel asked for
    /// before OKX confirmed the order waits until it does (an in-doubt order may not exist at all).
    public mutating func requestCancel(at now: Timestamp, actions: inout [OKXOrderAction]) {
        switch phase {
        case .done, .closing:
            actions.append(.emit(.cancelRejected(record, reason: "the order has already ended (\(lifecycle.status.rawValue))")))
        case .waitingToResend:
            // The place was refused for its rate and is not on the wire: simply do not send it.
            if transition("cancel", actions: &actions, { (order) throws(OrderLifecycleError) in try order.cancel(reason: nil, at: now) }) {
                phase = .done
                actions.append(.emit(.canceled(record, reason: nil)))
            }
        case .pendingNew, .sent, .inDoubt:
            if cancelRequest == .none { cancelRequest = .wanted }
        case .open:
            guard cancelRequest == .none || cancelRequest == .wanted else { return }
            sendCancel(at: now, actions: &actions)
        }
    }

    mutating func sendCancel(at now: Timestamp, actions: inout [OKXOrderAction]) {
        cancelRequest = .sent(at: now)
        actions.append(.cancel(OKXCancelRequest(instrument: instrument, clientOrderId: clientOrderId, venueOrderId: lifecycle.venueOrderId)))
    }

    /// OKX answered the cancel. Success only means "accepted": the `orders` push ends the order.
    public mutating func cancelAnswered(_ ack: OKXOrderAck, at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard case .sent = cancelRequest, phase != .done else { return }
        switch ack.errorClass {
        case .success:
            return
        case .orderAlreadyFinal, .ambiguous, .duplicateClientOrderId:
            // Filled, canceled or unknown to OKX, or no answer worth trusting: ask OKX what the
            // order is rather than cancel again (cancel storms on ended orders helped no peer).
            actions.append(.lookup(lookup))
        case .rateLimited:
            cancelRequest = .waitingToResend(until: now.advanced(byMilliseconds: timing.rateLimitPauseMilliseconds))
        case .rejected, .protocolError:
            cancelRequest = .none
            actions.append(.emit(.cancelRejected(record, reason: ack.reason)))
        case .authentication:
            cancelRequest = .none
            actions.append(.emit(.cancelRejected(record, reason: ack.reason)))
            actions.append(.haltTrading(reason: "OKX refused our credentials or clock: \(ack.reason)"))
        }
    }

    /// The cancel failed in transport: whether it landed is unknown, so look the order up.
    public mutating func cancelFailed(at now: Timestamp, actions: inout [OKXOrderAction]) {
        guard case .sent = cancelRequest, phase != .done else { return }
        actions.append(.lookup(lookup))
    }
}
