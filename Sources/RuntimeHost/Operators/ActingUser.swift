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
    /// Who logged in (``OperatorLogin``): `username` itself, or the admin acting as them. The
    /// database's operator functions are called with both and check both.
    public var login: String
    /// Where the request came from (the console's client), written into every audit row of the
    /// action; nil for the CLI and the host.
    public var origin: RequestOrigin?

    /// Creates an acting user (normally through ``OperatorAccess``).
    public init(id: UUID, username: String, role: UserRole, login: String, origin: RequestOrigin? = nil) {
        self.id = id
        self.username = username
        self.role = role
        self.login = login
        self.origin = origin
    }

    /// `username` when an admin acts as them, else nil.
    var actingAs: String? { login == username ? nil : username }
}

/// The current wall-clock time.
extension Timestamp {
    static var wallClockNow: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
