import Foundation
import Logging
import PostgresNIO
import StrategyKit
import Storage
import TradingCore

/// ``StrategyDeploymentStore`` on PostgreSQL: the strategies row (seed columns plus plugin and
/// the whole manifest, migration 005) and its audit_logs rows.
///
/// Status on deployment: a new strategy starts `paper_trading` (mode paper) or `active` (mode
/// live). A redeployment keeps a status an operator or the risk engine set on purpose
/// (`paused`, `reducing_only`, `halted`): redeploying must not silently resume a halted strategy;
/// `runtime resume` does that. Any other status becomes the mode's again.
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

    public func apply(_ plan: DeploymentPlan, actingUser: String) async throws {
        let manifest = plan.manifest
        let user = try await UserRepository(client).user(named: actingUser)
        let now = Timestamp.wallClockNow
        try await Transaction.run(client, logger: logger) { connection in
            let strategies = StrategyRepository(connection)
            let current = try await strategies.deployment(named: manifest.name, lockingForUpdate: true)
            let audit = AuditLogRepository(connection)
            if current != nil, user?.role != .admin, let ceiling = try await audit.deploymentCeiling(strategy: manifest.name.rawValue) {
                let excess = Self.excess(of: manifest, over: ceiling)
                if !excess.isEmpty { throw ManifestValidationFailure(source: "deploy", errors: excess) }
            }
            if plan.action == .unchanged {
                try await audit.insert(AuditLogRecord(
                    userId: user?.id, action: Self.auditAction, resourceType: "strategy", resourceId: manifest.name.rawValue,
                    oldValue: plan.oldValue?.jsonText, newValue: plan.newValue.jsonText, createdAt: now))
                return
            }
            let status = Self.status(for: manifest.mode, current: current?.status)
            let record = StrategyRecord(
                id: current?.id ?? UUID(), name: manifest.name, strategyType: manifest.strategy, version: manifest.version,
                parameters: manifest.parameters.jsonText, riskLimits: manifest.riskLimitsJSON,
                symbols: manifest.instruments.map(\.symbol), status: status, allocatedCapital: manifest.allocatedCapital,
                maxPositionSize: manifest.riskLimits[.maxPositionSize].map { Quantity($0) },
                maxLeverage: manifest.riskLimits[.maxLeverage] ?? .one, createdBy: user?.id, deployedAt: now)
            try await strategies.upsertDeployment(record, plugin: manifest.plugin, manifest: plan.newValue.jsonText)
            var newValue = plan.newValue
            if case .object(var members) = newValue {
                members["status"] = .string(status.rawValue)
                newValue = .object(members)
            }
            var oldValue = plan.oldValue
            if case .object(var members)? = oldValue, let previous = current?.status {
                members["status"] = .string(previous.rawValue)
                oldValue = .object(members)
            }
            try await audit.insert(AuditLogRecord(
                userId: user?.id, action: Self.auditAction, resourceType: "strategy", resourceId: manifest.name.rawValue,
                oldValue: oldValue?.jsonText, newValue: newValue.jsonText, createdAt: now))
            try await NotificationChannel.strategyControl.notify(manifest.name.rawValue, on: connection)
        }
        logger.info("deployed \(manifest.name) \(manifest.version) (\(plan.action.rawValue)) as \(actingUser)")
    }

    public func recordRefusal(manifestName: String?, source: String, errors: [ManifestError], actingUser: String) async throws {
        let user = try await UserRepository(client).user(named: actingUser)
        let detail = ParameterValue.object([
            "acting_user": .string(actingUser), "source": .string(source),
            "errors": .array(errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) }),
        ])
        try await AuditLogRepository(client).insert(AuditLogRecord(
            userId: user?.id, action: Self.auditAction, resourceType: "strategy",
            resourceId: String((manifestName ?? source).prefix(100)), newValue: detail.jsonText, success: false,
            errorMessage: "manifest refused: " + errors.map(\.description).joined(separator: "; "), createdAt: .wallClockNow))
    }

    /// Separation of duties: what in `manifest` is above `ceiling` (capital, a risk limit, or a
    /// limit dropped, which lifts it). Every limit is a maximum, so larger is looser. Only an admin
    /// raises them; anyone may lower them or add limits.
    static func excess(of manifest: StrategyManifest, over ceiling: DeploymentCeiling) -> [ManifestError] {
        var errors: [ManifestError] = []
        let only = "above the ceiling an admin set; only an admin raises it"
        if let cap = try? FixedPoint(parsing: ceiling.allocatedCapital), manifest.allocatedCapital > Money(cap) {
            errors.append(ManifestError(field: "allocated_capital", reason: "\(manifest.allocatedCapital) is \(only) (\(cap))"))
        }
        for (key, text) in ceiling.riskLimits.sorted(by: { $0.key < $1.key }) {
            guard let limitKey = RiskLimitKey(rawValue: key), let cap = try? FixedPoint(parsing: text) else { continue }
            guard let value = manifest.riskLimits[limitKey] else {
                errors.append(ManifestError(field: "risk_limits.\(key)", reason: "removing it lifts the limit, which is \(only) (\(cap))"))
                continue
            }
            if value > cap { errors.append(ManifestError(field: "risk_limits.\(key)", reason: "\(value) is \(only) (\(cap))")) }
        }
        return errors
    }

    /// The status a deployment writes (see the type's documentation).
    static func status(for mode: ManifestMode, current: StrategyStatus?) -> StrategyStatus {
        switch current {
        case .paused?, .reducingOnly?, .halted?: current ?? .draft
        default: mode == .paper ? .paperTrading : .active
        }
    }
}
