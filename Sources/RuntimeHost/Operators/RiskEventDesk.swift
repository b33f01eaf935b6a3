import Foundation
import Logging
import PostgresNIO
import Storage
import StrategyKit
import TradingCore

/// `runtime risk list|ack`: the operator's view of risk_events.
public struct RiskEventDesk: Sendable {
    /// The database.
    public let client: PostgresClient
    let logger: Logger

    /// Creates the desk over `client`.
    public init(client: PostgresClient, logger: Logger = Logger(label: "runtime.risk")) {
        self.client = client
        self.logger = logger
    }

    /// The audit_logs action of an acknowledgement.
    public static let acknowledgeAction = "risk_event.acknowledge"

    /// Events, newest first, with their strategy names.
    public func list(unacknowledgedOnly: Bool, severities: [Storage.RiskSeverity], limit: Int = 500) async throws
        -> [(event: RiskEventRecord, strategy: StrategyName?)] {
        let events = try await RiskEventRepository(client).events(severities: severities, acknowledged: unacknowledgedOnly ? false : nil,
                                                                   limit: limit)
        let names = try await StrategyRepository(client).namesById()
        return events.map { ($0, $0.strategyId.flatMap { names[$0] }) }
    }

    /// Acknowledges event `id` as `user` (authorized for ``OperatorPermission/acknowledgeRisk``):
    /// sets acknowledged, acknowledged_by and acknowledged_at and writes an audit row, in one
    /// transaction. An unknown or already acknowledged id is refused (and audited).
    public func acknowledge(id: Int64, by user: ActingUser) async throws {
        let now = Timestamp.wallClockNow
        let result: Result<Void, OperatorError> = try await Transaction.run(client, logger: logger) { connection in
            let events = RiskEventRepository(connection)
            let audit = AuditLogRepository(connection)
            let existing = try await events.event(id: id)
            let refusal: OperatorError? = existing == nil ? .unknownRiskEvent(id) : (existing?.acknowledged == true ? .alreadyAcknowledged(id: id) : nil)
            if let refusal {
                try await audit.insert(AuditLogRecord(
                    userId: user.id, action: Self.acknowledgeAction, resourceType: "risk_event", resourceId: String(id),
                    newValue: OperatorAccess.requestJSON(actingUser: user.username, role: user.role, request: .null),
                    success: false, errorMessage: refusal.description, createdAt: now))
                return .failure(refusal)
            }
            guard try await events.acknowledge(id: id, by: user.id, at: now) else { return .failure(.alreadyAcknowledged(id: id)) }
            try await audit.insert(AuditLogRecord(
                userId: user.id, action: Self.acknowledgeAction, resourceType: "risk_event", resourceId: String(id),
                oldValue: ParameterValue.object(["acknowledged": .bool(false)]).jsonText,
                newValue: ParameterValue.object(["acknowledged": .bool(true), "acknowledged_by": .string(user.username)]).jsonText,
                createdAt: now))
            return .success(())
        }
        try result.get()
    }
}
