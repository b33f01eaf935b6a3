import Foundation
import Logging
import StrategyKit
import Storage

/// `runtime migrate`: who may apply migrations, and the audit row of applying them. An admin
/// migrates; on a database without users anyone does, and becomes its first admin
/// (``OperatorAccess``). Listing what is applied and pending needs only the right to read.
public enum SchemaAdministration {
    /// Applies pending migrations with `migrator` (or, with `statusOnly`, lists them) on the
    /// configured database as its operator; returns where and what.
    public static func migrate(_ migrator: Migrator, flavor: Migrator.FlavorChoice, statusOnly: Bool, configuredURL: String?,
                               logger: Logger = Logger(label: "runtime.migrate")) async throws -> (DatabaseTarget, Migrator.Report) {
        let resolution = try DatabaseLocator.resolve(configuredURL: configuredURL, logger: logger)
        let target = resolution.target
        let report = try await target.withClient(logger: logger) { client in
            let identity = try await OperatorLogin.resolve(embedded: resolution.embedded != nil, client: client, logger: logger)
            let access = OperatorAccess(client: client, logger: logger)
            let action = statusOnly ? "database.migration_status" : "database.migrate"
            guard try await UserRepository(client).mayApplyMigrations(username: identity) else {
                _ = try await access.authorize(identity: identity, for: statusOnly ? .read : .administerDatabase, action: action,
                                               resourceType: "database", resourceId: nil)
                return try await migrator.status(target: target)
            }
            if statusOnly { return try await migrator.status(target: target) }
            let report = try await migrator.migrate(target: target, flavor: flavor)
            let admin = try await access.authorize(identity: identity, for: .administerDatabase, action: action, resourceType: "database", resourceId: nil)
            if !report.newlyApplied.isEmpty {
                try await access.audit(AuditLogRecord(
                    userId: admin.id, action: action, resourceType: "database", resourceId: report.flavor.rawValue,
                    newValue: ParameterValue.object(["applied": .array(report.newlyApplied.map { .number(String($0)) })]).jsonText,
                    createdAt: .wallClockNow))
            }
            return report
        }
        return (target, report)
    }
}
