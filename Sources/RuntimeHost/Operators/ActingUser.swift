import Foundation
import Storage
import TradingCore

/// The user an operator command acts as, checked against the users table.
public struct ActingUser: Sendable, Hashable {
    /// users.id (audit_logs.user_id).
    public var id: UUID
    /// users.username.
    public var username: String
    /// users.role.
    public var role: UserRole

    /// Creates an acting user (normally through ``OperatorAccess``).
    public init(id: UUID, username: String, role: UserRole) {
        self.id = id
        self.username = username
        self.role = role
    }
}

/// The current wall-clock time.
extension Timestamp {
    static var wallClockNow: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
