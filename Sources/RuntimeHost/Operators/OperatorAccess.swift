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

    /// The user `identity` (see ``OperatorLogin``), or the user `actingAs` names when that is
    /// someone else, if their role allows `permission`. Only an admin may act as someone else, who
    /// then acts with their own (narrower) role; the admin's `user.act_as` audit row records both.
    /// Every refusal is audited and thrown as ``OperatorError``.
    public func authorize(identity: String, actingAs: String?, for permission: OperatorPermission, action: String,
                          resourceType: String, resourceId: String?, request: ParameterValue = .null) async throws -> ActingUser {
        guard let other = actingAs, !other.isEmpty, other != identity else {
            return try await authorize(identity, for: permission, action: action, resourceType: resourceType,
                                       resourceId: resourceId, request: request)
        }
        let admin = try await authorize(identity, for: .actAsAnother, action: action, resourceType: resourceType,
                                        resourceId: resourceId, request: .object(["acting_as": .string(other), "request": request]))
        try await audit(AuditLogRecord(
            userId: admin.id, action: "user.act_as", resourceType: "user", resourceId: String(other.prefix(100)),
            newValue: ParameterValue.object(["identity": .string(identity), "acting_as": .string(other), "for": .string(action)]).jsonText,
            createdAt: .wallClockNow))
        return try await authorize(other, for: permission, action: action, resourceType: resourceType, resourceId: resourceId, request: request)
    }

    /// The user named `name` if their role allows `permission`; otherwise writes a refused audit
    /// row for `action` on the resource and throws ``OperatorError``.
    ///
    /// On a database without users, `name` becomes the first admin (audited as `user.bootstrap`):
    /// whoever sets the runtime up owns it, and nothing defaults to a shared name.
    public func authorize(_ name: String, for permission: OperatorPermission, action: String, resourceType: String,
                          resourceId: String?, request: ParameterValue = .null) async throws -> ActingUser {
        let users = UserRepository(client)
        var record = try await users.user(named: name)
        if record == nil {
            record = try await bootstrapFirstAdmin(name)
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
            refusal = .unknownUser(name)
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

    /// Creates `name` as the first admin when no user exists yet (under the setup lock); returns
    /// it, or nil when users exist.
    func bootstrapFirstAdmin(_ name: String) async throws -> UserRecord? {
        try await Transaction.run(client, logger: logger) { connection -> UserRecord? in
            let users = UserRepository(connection)
            try await users.lockForSetup()
            if let existing = try await users.user(named: name) { return existing }
            guard try await users.count() == 0 else { return nil }
            let admin = UserRecord(username: name, email: "\(name)@localhost", role: .admin)
            do { try admin.validate() } catch {
                throw OperatorError.invalidArgument(field: "operator", reason: "'\(name)' cannot be the first admin: \(error)")
            }
            try await users.insert(admin)
            try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: admin.id, action: "user.bootstrap", resourceType: "user", resourceId: admin.username,
                newValue: ParameterValue.object(["username": .string(admin.username), "role": .string(admin.role.rawValue),
                                                 "email": .string(admin.email)]).jsonText,
                createdAt: .wallClockNow))
            logger.notice("no users yet: \(name) is the first admin")
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
