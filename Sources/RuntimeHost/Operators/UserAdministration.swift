import Foundation
import Logging
import PostgresNIO
import Storage
import StrategyKit
import TradingCore

/// `runtime users add|list`.
///
/// Only admins add users (the operator who first meets an empty users table is its first admin,
/// see ``OperatorAccess``). Against a shared server, a new user's PostgreSQL login role of the
/// same name, when it exists, is made a member of the group role of their users.role
/// (`runtime_viewer`, `runtime_trader`, `runtime_risk_officer`, `runtime_admin`), so the
/// database grants them what the runtime does.
public struct UserAdministration: Sendable {
    /// The database.
    public let client: PostgresClient
    let logger: Logger

    /// Creates the administration over `client`.
    public init(client: PostgresClient, logger: Logger = Logger(label: "runtime.users")) {
        self.client = client
        self.logger = logger
    }

    /// The audit_logs action of adding a user.
    public static let addAction = "user.add"

    /// A user added, and what became of their login role.
    public struct Added: Sendable {
        /// The users row.
        public var user: UserRecord
        /// The group role granted to the login role of the same name; nil when there is none.
        public var grantedGroup: String?
        /// Why the group role could not be granted (the user is added all the same).
        public var grantFailure: String?
    }

    /// Adds a user as `actor` (authorized for ``OperatorPermission/manageUsers``). Refusals are
    /// audited.
    @discardableResult
    public func add(username: String, role: UserRole, email: String?, by actor: ActingUser) async throws -> Added {
        let user = UserRecord(username: username, email: email ?? "\(username)@localhost", role: role)
        do { try user.validate() } catch {
            throw OperatorError.invalidArgument(field: "user", reason: error.description)
        }
        let request = ParameterValue.object(["username": .string(username), "role": .string(role.rawValue), "email": .string(user.email)])
        let repository = UserRepository(client)
        let taken = try await repository.all().contains { $0.username == username || $0.email.lowercased() == user.email.lowercased() }
        if taken {
            let error = OperatorError.userExists(username)
            try await OperatorFunctions(client).recordRefusal(by: actor, action: Self.addAction, resourceType: "user", resourceId: username,
                                                              request: request, error: error)
            throw error
        }
        try await Transaction.run(client, logger: logger) { connection in
            try await UserRepository(connection).insert(user)
            try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: actor.id, action: Self.addAction, resourceType: "user", resourceId: username,
                newValue: request.jsonText, createdAt: .wallClockNow))
        }
        var added = Added(user: user)
        do {
            added.grantedGroup = try await repository.grantGroupRole(of: user)
        } catch {
            added.grantFailure = error.description
            logger.warning("added \(username), but could not grant their login role its group: \(error.description)")
        }
        return added
    }

    /// Every user, by username.
    public func list() async throws -> [UserRecord] {
        try await UserRepository(client).all()
    }
}
