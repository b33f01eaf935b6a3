import Execution
import Synchronization

/// What the order desk produced since the host last looked: filled by the venue's worker task,
/// taken by the host's loop. The one place the two meet.
final class OKXVenueInbox: Sendable {
    private let state = Mutex<(events: [VenueEvent], notes: [OKXDeskNote])>(([], []))

    func append(events: [VenueEvent], notes: [OKXDeskNote]) {
        guard !events.isEmpty || !notes.isEmpty else { return }
        state.withLock { state in
            state.events += events
            state.notes += notes
        }
    }

    func take() -> (events: [VenueEvent], notes: [OKXDeskNote]) {
        state.withLock { state in
            defer { state = ([], []) }
            return state
        }
    }
}

extension VenueEvent {
    /// The same event carrying `record` (the host's realized-PnL attribution patched in).
    func replacingRecord(_ record: TradeRecord) -> VenueEvent {
        switch self {
        case .sent: .sent(record)
        case .accepted: .accepted(record)
        case .rejected(_, let reason): .rejected(record, reason: reason)
        case .filled(let fill, _): .filled(fill, record)
        case .canceled(_, let reason): .canceled(record, reason: reason)
        case .amended: .amended(record)
        case .amendRejected(_, let reason): .amendRejected(record, reason: reason)
        case .cancelRejected(_, let reason): .cancelRejected(record, reason: reason)
        case .expired: .expired(record)
        }
    }
}
