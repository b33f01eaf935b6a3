import Foundation
import Logging
import PostgresNIO
import StrategyKit
import Storage
import TradingCore

/// ``StrategyDeploymentStore`` on PostgreSQL: the strategies row (seed columns plus plugin and
/// the whole manifest, migration 005) and its audit_logs rows.
///
/// The write is the database's `runtime_deploy_strategy`, which checks the operator, decides the
/// status and enforces separation of duties:
/// - a new strategy starts `paper_trading` (mode paper) or `active` (mode live); a redeployment
///   keeps a status an operator or the risk engine set on purpose (`paused`, `reducing_only`,
///   `halted`): redeploying must not silently resume a halted strategy, `runtime resume` does;
/// - only an admin raises capital or a risk limit above the newest admin deployment (or drops a
///   limit); anyone else's excess comes back as a ``ManifestValidationFailure``, nothing written.
public struct DatabaseDeploymentStore: StrategyDeploymentStore, Sendable {
    /// The database.
    public let client: PostgresClient
    let logger: Logger

    /// Creates a store over `client`.
    public init(client: PostgresClient, logger: Logger = Logger(label: "runtime.deploy")) {
        self.client = client
        self.logger = logger
    }

    /// The audit_logs action of a deployment.
    public static let auditAction = "strategy.deploy"

    public func deployedStrategy(named name: StrategyName) async throws -> DeployedStrategyRow? {
        guard let row = try await StrategyRepository(client).deployment(named: name) else { return nil }
        return Self.deployedRow(row)
    }

    /// The summary and manifest of a stored row. The stored manifest is read back through the
    /// manifest parser (JSON is YAML), so it compares equal to a freshly parsed manifest that
    /// says the same thing, whatever JSONB did to key order or spacing.
    static func deployedRow(_ row: StrategyDeploymentRecord) -> DeployedStrategyRow {
        let stored = row.manifest.flatMap { try? ManifestParser.parse($0, source: "strategies row \(row.name)") }
        return DeployedStrategyRow(summary: DeployedStrategySummary(plugin: row.plugin ?? stored?.plugin ?? "", strategy: row.strategyType,
                                                                    version: row.version),
                                   manifestJSON: stored?.json ?? .null)
    }

    public func apply(_ plan: DeploymentPlan, actingUser user: ActingUser) async throws {
        let manifest = plan.manifest
        let excess = try await Transaction.run(client, logger: logger) { connection in
            try await OperatorFunctions(connection).deployStrategy(
                identity: user.login, actingAs: user.actingAs, manifest: plan.newValue.jsonText, parameters: manifest.parameters.jsonText,
                riskLimits: manifest.riskLimitsJSON, maxPositionSize: manifest.riskLimits[.maxPositionSize]?.description,
                maxLeverage: (manifest.riskLimits[.maxLeverage] ?? .one).description, oldValue: plan.oldValue?.jsonText,
                unchanged: plan.action == .unchanged)
        }
        if !excess.isEmpty {
            throw ManifestValidationFailure(source: "deploy", errors: excess.map { ManifestError(field: $0.field, reason: $0.reason) })
        }
        logger.info("deployed \(manifest.name) \(manifest.version) (\(plan.action.rawValue)) as \(user.username)")
    }

    public func recordRefusal(manifestName: String?, source: String, errors: [ManifestError], actingUser user: ActingUser) async throws {
        let detail = ParameterValue.object([
            "acting_user": .string(user.username), "source": .string(source),
            "errors": .array(errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) }),
        ])
        try await OperatorFunctions(client).recordRefusal(
            identity: user.login, actingAs: user.actingAs, action: Self.auditAction, resourceType: "strategy",
            resourceId: String((manifestName ?? source).prefix(100)), newValue: detail.jsonText,
            error: "manifest refused: " + errors.map(\.description).joined(separator: "; "))
    }
}
