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
    /// the database's `runtime_acknowledge_risk_event` sets acknowledged, acknowledged_by and
    /// acknowledged_at and writes the audit row, in one transaction. An unknown or already
    /// acknowledged id is refused (and audited).
    public func acknowledge(id: Int64, by user: ActingUser) async throws {
        let result: Result<Void, OperatorError> = try await Transaction.run(client, logger: logger) { connection in
            let functions = OperatorFunctions(connection)
            if let origin = user.origin { try await functions.declare(origin) }
            let refusal: OperatorError
            switch try await functions.acknowledgeRiskEvent(identity: user.login, actingAs: user.actingAs, id: id) {
            case nil: return .success(())
            case .unknownRiskEvent?: refusal = .unknownRiskEvent(id)
            case .alreadyAcknowledged?: refusal = .alreadyAcknowledged(id: id)
            }
            try await functions.recordRefusal(by: user, action: Self.acknowledgeAction, resourceType: "risk_event", resourceId: String(id),
                                              error: refusal)
            return .failure(refusal)
        }
        try result.get()
    }
}
