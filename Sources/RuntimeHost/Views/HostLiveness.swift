import Storage
import TradingCore

/// Whether a host process is alive, judged from its row in `hosts`: a host that has not stopped
/// but whose last heartbeat is older than the threshold is down (crashed, killed, or hung).
public enum HostLiveness: String, Sendable, Hashable {
    /// Heartbeat fresh, not stopped.
    case running
    /// Not stopped, heartbeat stale.
    case down = "DOWN"
    /// Stopped cleanly (stopped_at set).
    case stopped

    /// Hosts write a heartbeat every few seconds; three missed beats mean down.
    public static let defaultStaleAfterNanoseconds: Int64 = 15_000_000_000

    /// The liveness of `host` as of `now`.
    public static func of(_ host: HostRecord, now: Timestamp, staleAfterNanoseconds: Int64 = defaultStaleAfterNanoseconds) -> HostLiveness {
        if host.stoppedAt != nil { return .stopped }
        return now.nanoseconds(since: host.lastHeartbeat) > staleAfterNanoseconds ? .down : .running
    }
}
