import Foundation
import Logging
import PostgresNIO
import StrategyKit
import Storage

/// A command's database and operator, resolved once per command by
/// ``DatabaseEnvironment/withOperator(actingAs:logger:_:)``: every command asks it, and only it,
/// whether its operator may do what the command does.
public struct OperatorContext: Sendable {
    /// Where the database is.
    public let target: DatabaseTarget
    /// A pooled client on it.
    public let client: PostgresClient
    /// Who runs the command (``OperatorLogin``).
    public let identity: String
    /// The user `--user` / `RUNTIME_USER` asked to act as, if any.
    public let actingAs: String?
    let logger: Logger

    /// The acting user if their role allows `permission` (refusals audited, see
    /// ``OperatorAccess/authorize(identity:actingAs:for:action:resourceType:resourceId:request:)``).
    public func authorize(_ permission: OperatorPermission, action: String, resourceType: String, resourceId: String? = nil,
                          request: ParameterValue = .null) async throws -> ActingUser {
        try await OperatorAccess(client: client, logger: logger).authorize(
            identity: identity, actingAs: actingAs, for: permission, action: action, resourceType: resourceType,
            resourceId: resourceId.map { String($0.prefix(100)) }, request: request)
    }
}

extension DatabaseEnvironment {
    /// Resolves the database and the operator, applies pending migrations when the operator may
    /// (an admin, or anyone on a database without users), and runs `body`. An operator who may not
    /// migrate a database whose schema is behind is told to ask an admin; nothing is changed.
    public static func withOperator<Result: Sendable>(
        actingAs: String?, logger: Logger = Logger(label: "runtime.database"),
        _ body: @Sendable (OperatorContext) async throws -> Result
    ) async throws -> Result {
        let settings = try DatabaseSettings.load()
        let resolution = try DatabaseLocator.resolve(configuredURL: settings.url, logger: logger)
        let target = resolution.target
        return try await target.withClient(logger: logger) { client in
            let identity = try await OperatorLogin.resolve(embedded: resolution.embedded != nil, client: client, logger: logger)
            let migrator = Migrator(logger: logger)
            if try await !migrator.status(target: target).pending.isEmpty {
                guard try await UserRepository(client).mayApplyMigrations(username: identity) else {
                    throw OperatorError.schemaBehind(operator: identity)
                }
                _ = try await migrator.migrate(target: target, flavor: settings.flavor)
            }
            return try await body(OperatorContext(target: target, client: client, identity: identity, actingAs: actingAs, logger: logger))
        }
    }

    /// The user to act as from the environment (`RUNTIME_USER`), when a command has no `--user`.
    public static func requestedUser(flag: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let name = environment["RUNTIME_USER"], !name.isEmpty { return name }
        return nil
    }
}
