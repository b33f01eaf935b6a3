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

    /// Creates an acting user (normally through ``OperatorAccess/authorize(_:action:resourceType:resourceId:request:)``).
    public init(id: UUID, username: String, role: UserRole) {
        self.id = id
        self.username = username
        self.role = role
    }

    /// The user name to act as: the `--user` flag, else `RUNTIME_USER`, else the default `admin`.
    public static func requestedName(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let name = environment["RUNTIME_USER"], !name.isEmpty { return name }
        return defaultName
    }

    /// The user commands act as when neither `--user` nor `RUNTIME_USER` names one. On a
    /// database without users it is created as an admin on first use, so a fresh setup (and the
    /// README's demo) can deploy and control strategies without a setup step; once users exist
    /// it is an ordinary username that must exist like any other.
    public static let defaultName = "admin"
}

/// The current wall-clock time.
extension Timestamp {
    static var wallClockNow: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
