import Foundation
import Logging
import PostgresNIO
import Storage
import StrategyKit
import TradingCore

/// `runtime users add|list`.
///
/// Only admins add users. On an empty users table the first operator becomes the first admin
/// (``OperatorAccess``); `users add NAME --role admin` on an empty table creates NAME as that
/// admin, recorded as the actor of its own creation.
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

    /// Adds a user as `actingUser` (an admin, or anyone when this is the first user and its
    /// role is admin). Refusals are audited.
    @discardableResult
    public func add(username: String, role: UserRole, email: String?, actingUser: String) async throws -> UserRecord {
        let user = UserRecord(username: username, email: email ?? "\(username)@localhost", role: role)
        do { try user.validate() } catch {
            throw OperatorError.invalidArgument(field: "user", reason: error.description)
        }
        let request = ParameterValue.object(["username": .string(username), "role": .string(role.rawValue), "email": .string(user.email)])
        // The first user: no acting user to check, under the setup lock so two first runs cannot both pass.
        let firstAdmin: Bool = try await Transaction.run(client, logger: logger) { connection in
            let users = UserRepository(connection)
            try await users.lockForSetup()
            guard try await users.count() == 0 else { return false }
            guard role == .admin else { return false }
            try await users.insert(user)
            try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: user.id, action: Self.addAction, resourceType: "user", resourceId: username,
                newValue: request.jsonText, createdAt: .wallClockNow))
            return true
        }
        if firstAdmin {
            logger.notice("first setup: created admin \(username)")
            return user
        }
        let actor = try await OperatorAccess(client: client, logger: logger)
            .authorize(actingUser, for: .manageUsers, action: Self.addAction, resourceType: "user", resourceId: username, request: request)
        let repository = UserRepository(client)
        let taken = try await repository.all().contains { $0.username == username || $0.email.lowercased() == user.email.lowercased() }
        if taken {
            let error = OperatorError.userExists(username)
            try await AuditLogRepository(client).insert(AuditLogRecord(
                userId: actor.id, action: Self.addAction, resourceType: "user", resourceId: username, newValue: request.jsonText,
                success: false, errorMessage: error.description, createdAt: .wallClockNow))
            throw error
        }
        try await Transaction.run(client, logger: logger) { connection in
            try await UserRepository(connection).insert(user)
            try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: actor.id, action: Self.addAction, resourceType: "user", resourceId: username,
                newValue: request.jsonText, createdAt: .wallClockNow))
        }
        return user
    }

    /// Every user, by username.
    public func list() async throws -> [UserRecord] {
        try await UserRepository(client).all()
    }
}
