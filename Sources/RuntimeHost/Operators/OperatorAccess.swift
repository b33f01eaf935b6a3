import Foundation
import Logging
import PostgresNIO
import StrategyKit
import Storage
import TradingCore

/// Resolves and checks the acting user of an operator command, and writes the audit rows of
/// operator actions: the reusable part of every changing CLI command, also for the host.
///
/// A refusal (unknown, inactive or under-privileged user) is itself written to audit_logs
/// (success = false, error_message) before it is thrown.
public struct OperatorAccess: Sendable {
    /// The database.
    public let client: PostgresClient
    let logger: Logger

    /// Creates access checks over `client`.
    public init(client: PostgresClient, logger: Logger = Logger(label: "runtime.operators")) {
        self.client = client
        self.logger = logger
    }

    /// The user named `name` if their role allows `permission`; otherwise writes a refused audit
    /// row for `action` on the resource and throws ``OperatorError``.
    ///
    /// On a database without users, the default user `admin` (``ActingUser/defaultName``) is
    /// created with role admin on first use (audited as `user.bootstrap`).
    public func authorize(_ name: String, for permission: OperatorPermission, action: String, resourceType: String,
                          resourceId: String?, request: ParameterValue = .null) async throws -> ActingUser {
        let users = UserRepository(client)
        var record = try await users.user(named: name)
        if record == nil, name == ActingUser.defaultName {
            record = try await bootstrapDefaultAdmin()
        }
        let refusal: OperatorError
        if let record {
            if !record.isActive {
                refusal = .inactiveUser(name)
            } else if !permission.allows(record.role) {
                refusal = .roleRefused(user: name, role: record.role, permission: permission)
            } else {
                return ActingUser(id: record.id, username: record.username, role: record.role)
            }
        } else {
            refusal = try await users.count() == 0 ? .noUsersYet(actingUser: name) : .unknownUser(name)
        }
        try await audit(AuditLogRecord(userId: record?.id, action: action, resourceType: resourceType, resourceId: resourceId,
                                       newValue: Self.requestJSON(actingUser: name, role: record?.role, request: request),
                                       success: false, errorMessage: refusal.description, createdAt: .wallClockNow))
        logger.warning("refused \(action) by \(name): \(refusal.description)")
        throw refusal
    }

    /// Writes one audit row.
    public func audit(_ record: AuditLogRecord) async throws {
        try await AuditLogRepository(client).insert(record)
    }

    /// Creates the default admin when no user exists yet (under the setup lock); returns it, or
    /// nil when another user appeared meanwhile.
    func bootstrapDefaultAdmin() async throws -> UserRecord? {
        try await Transaction.run(client, logger: logger) { connection in
            let users = UserRepository(connection)
            try await users.lockForSetup()
            if let existing = try await users.user(named: ActingUser.defaultName) { return existing }
            guard try await users.count() == 0 else { return nil }
            let admin = UserRecord(username: ActingUser.defaultName, email: "admin@localhost", role: .admin)
            try await users.insert(admin)
            try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: admin.id, action: "user.bootstrap", resourceType: "user", resourceId: admin.username,
                newValue: ParameterValue.object(["username": .string(admin.username), "role": .string(admin.role.rawValue),
                                                 "email": .string(admin.email)]).jsonText,
                createdAt: .wallClockNow))
            logger.notice("no users yet: created the default user 'admin' with role admin")
            return admin
        }
    }

    /// The new_value of a refused request: who asked, with what role, for what.
    static func requestJSON(actingUser: String, role: UserRole?, request: ParameterValue) -> String {
        var members: [String: ParameterValue] = ["acting_user": .string(actingUser), "role": role.map { .string($0.rawValue) } ?? .null]
        if request != .null { members["request"] = request }
        return ParameterValue.object(members).jsonText
    }
}

/// Runs work in one database transaction, surfacing the work's own error (not postgres-nio's
/// wrapper) so refusals keep their message.
enum Transaction {
    static func run<Result: Sendable>(_ client: PostgresClient, logger: Logger,
                                      _ body: (PostgresConnection) async throws -> sending Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw StorageError.database(operation: "transaction", message: "\(error)")
        }
    }
}
