import Foundation
import Logging
import PostgresNIO
import StrategyKit
import Storage
import TradingCore

/// Asks the database whether an operator may do something (its `runtime_authorize`, reading the
/// operator_grants table: the one place that says which role holds which permission) and records
/// refusals: the reusable part of every CLI command, also for the host.
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
    /// On a database without users, `identity` becomes the first admin (audited as
    /// `user.bootstrap`): whoever sets the runtime up owns it, and nothing defaults to a shared
    /// name. Every refusal is audited and thrown as ``OperatorError``; `origin` (the console's
    /// client) goes into the refusal's audit row and travels with the returned user.
    public func authorize(identity: String, actingAs: String? = nil, for permission: OperatorPermission, action: String,
                          resourceType: String, resourceId: String?, request: ParameterValue = .null,
                          origin: RequestOrigin? = nil) async throws -> ActingUser {
        let acting = actingAs.flatMap { $0.isEmpty || $0 == identity ? nil : $0 }
        let decision = try await OperatorFunctions(client).authorize(identity: identity, actingAs: acting, permission: permission.rawValue,
                                                                     action: action)
        guard let refusal = decision.refusal else {
            guard let id = decision.userId, let role = decision.role else {
                throw StorageError.database(operation: "authorize \(action)", message: "an allowed operator without a users row")
            }
            return ActingUser(id: id, username: decision.username, role: role, login: identity, origin: origin)
        }
        let error: OperatorError = switch refusal {
        case .unknownUser: .unknownUser(decision.username)
        case .inactiveUser: .inactiveUser(decision.username)
        case .invalidFirstAdmin:
            .invalidArgument(field: "operator", reason: "'\(decision.username)' cannot be the first admin: not a valid username")
        case .roleRefused(let refused, let allowed):
            .roleRefused(user: decision.username, role: decision.role ?? .viewer,
                         permission: OperatorPermission(rawValue: refused) ?? permission, allowed: allowed)
        }
        var request = request
        if let acting { request = .object(["acting_as": .string(acting), "request": request]) }
        let refusalJSON = Self.requestJSON(actingUser: decision.username, role: decision.role, request: request)
        if let origin {
            try await Transaction.run(client, logger: logger) { connection in
                let functions = OperatorFunctions(connection)
                try await functions.declare(origin)
                try await functions.recordRefusal(identity: identity, actingAs: acting, action: action, resourceType: resourceType,
                                                  resourceId: resourceId, newValue: refusalJSON, error: error.description)
            }
        } else {
            try await OperatorFunctions(client).recordRefusal(identity: identity, actingAs: acting, action: action, resourceType: resourceType,
                                                              resourceId: resourceId, newValue: refusalJSON, error: error.description)
        }
        logger.warning("refused \(action) by \(decision.username): \(error.description)")
        throw error
    }

    /// Writes one audit row (admins and hosts; everyone else records refusals through
    /// ``recordRefusal(by:action:resourceType:resourceId:oldValue:newValue:error:)``).
    public func audit(_ record: AuditLogRecord) async throws {
        try await AuditLogRepository(client).insert(record)
    }

    /// The new_value of a refused request: who asked, with what role, for what.
    static func requestJSON(actingUser: String, role: UserRole?, request: ParameterValue) -> String {
        var members: [String: ParameterValue] = ["acting_user": .string(actingUser), "role": role.map { .string($0.rawValue) } ?? .null]
        if request != .null { members["request"] = request }
        return ParameterValue.object(members).jsonText
    }
}

extension OperatorFunctions {
    /// Records `user`'s refused request (success = false) in the caller's session.
    func recordRefusal(by user: ActingUser, action: String, resourceType: String, resourceId: String?, oldValue: String? = nil,
                       request: ParameterValue = .null, error: OperatorError) async throws {
        if let origin = user.origin { try await declare(origin) }
        try await recordRefusal(identity: user.login, actingAs: user.actingAs, action: action, resourceType: resourceType,
                                resourceId: resourceId, oldValue: oldValue,
                                newValue: OperatorAccess.requestJSON(actingUser: user.username, role: user.role, request: request),
                                error: error.description)
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
