import Foundation
import Logging
import PostgresNIO
import Risk
import Storage
import StrategyKit
import TradingCore

/// One applied operator command.
public struct StrategyControlOutcome: Sendable, Hashable {
    /// The strategy.
    public var strategy: StrategyName
    /// strategies.status before.
    public var from: StrategyStatus
    /// strategies.status after.
    public var to: StrategyStatus
    /// The risk_events row written (halts only).
    public var riskEventId: Int64?
}

/// `runtime pause|resume|stop|halt`: changes strategies.status through Risk's trading-state
/// rules, in one transaction with its audit_logs row (old and new state as JSON), a risk_events
/// row for halts, and `NOTIFY strategy_control, '<name>'` so a running host reacts at once.
/// A refused command (illegal transition, unknown strategy) writes only a refused audit row.
public struct StrategyControl: Sendable {
    /// The database.
    public let client: PostgresClient
    let logger: Logger

    /// Creates the control over `client`.
    public init(client: PostgresClient, logger: Logger = Logger(label: "runtime.control")) {
        self.client = client
        self.logger = logger
    }

    /// The permission a command needs.
    public static func permission(for command: OperatorCommand) -> OperatorPermission {
        command == .halt ? .halt : .controlTrading
    }

    /// Applies `command` to the strategy named `name` as `user` (already authorized with
    /// ``permission(for:)``).
    /// - Throws: ``OperatorError`` when the strategy is unknown, not trading, or the transition
    ///   is illegal (the refusal is audited first).
    @discardableResult
    public func apply(_ command: OperatorCommand, to name: StrategyName, by user: ActingUser,
                      reason: String? = nil) async throws -> StrategyControlOutcome {
        let result: Result<StrategyControlOutcome, OperatorError> = try await Transaction.run(client, logger: logger) { connection in
            try await Self.apply(command, to: name, by: user, reason: reason, on: connection)
        }
        switch result {
        case .success(let outcome):
            logger.notice("\(user.username) ran \(command.rawValue) on \(name): \(outcome.from.rawValue) -> \(outcome.to.rawValue)")
            return outcome
        case .failure(let error):
            throw error
        }
    }

    /// `runtime halt --all`: halts every strategy that can be halted (active, paper trading,
    /// reducing, paused) in one transaction; halted and stopped ones are left as they are.
    public func haltAll(by user: ActingUser, reason: String? = nil) async throws -> [StrategyControlOutcome] {
        try await Transaction.run(client, logger: logger) { connection in
            var outcomes: [StrategyControlOutcome] = []
            for row in try await StrategyRepository(connection).deployments() {
                guard let state = StrategyStatusMapping.tradingState(row.status), state.canTransition(to: .halted, by: .operator) else { continue }
                if case .success(let outcome) = try await Self.apply(.halt, to: row.name, by: user, reason: reason, on: connection) {
                    outcomes.append(outcome)
                }
            }
            return outcomes
        }
    }

    static func apply(_ command: OperatorCommand, to name: StrategyName, by user: ActingUser, reason: String?,
                      on connection: PostgresConnection) async throws -> Result<StrategyControlOutcome, OperatorError> {
        let now = Timestamp.wallClockNow
        let audit = AuditLogRepository(connection)
        let strategies = StrategyRepository(connection)
        func refuse(_ error: OperatorError, old: ParameterValue?) async throws -> Result<StrategyControlOutcome, OperatorError> {
            try await audit.insert(AuditLogRecord(
                userId: user.id, action: command.auditAction, resourceType: "strategy", resourceId: name.rawValue,
                oldValue: old?.jsonText,
                newValue: OperatorAccess.requestJSON(actingUser: user.username, role: user.role,
                                                     request: .object(["command": .string(command.rawValue)])),
                success: false, errorMessage: error.description, createdAt: now))
            return .failure(error)
        }
        guard let row = try await strategies.deployment(named: name, lockingForUpdate: true) else {
            return try await refuse(.unknownStrategy(name.rawValue), old: nil)
        }
        let old = stateJSON(row.status)
        guard let state = StrategyStatusMapping.tradingState(row.status) else {
            return try await refuse(.notControllable(strategy: name.rawValue, status: row.status.rawValue), old: old)
        }
        // Separation of duties: a strategy the risk engine halted (any halt but an operator's)
        // resumes only once its halting risk event is acknowledged, and only by an admin.
        if command == .resume, row.status == .halted,
           let halt = try await RiskEventRepository(connection).latestHalt(strategyId: row.id),
           halt.eventType != RiskEventType.stateChange.rawValue, let eventId = halt.id {
            if !halt.acknowledged {
                return try await refuse(.haltNotAcknowledged(strategy: name.rawValue, eventId: eventId), old: old)
            }
            if user.role != .admin {
                return try await refuse(.resumeNeedsAdmin(strategy: name.rawValue, eventId: eventId), old: old)
            }
        }
        let target: StrategyTradingState
        switch state.transition(to: command.targetState, by: .operator) {
        case .failure(let reason):
            return try await refuse(.illegalTransition(strategy: name.rawValue, command: command, reason: reason), old: old)
        case .success(let next):
            target = next
        }
        let mode = Self.mode(of: row)
        let newStatus = StrategyStatusMapping.status(target, mode: mode)
        try await strategies.setStatus(newStatus, id: row.id)
        var newValue = stateJSON(newStatus)
        if let reason, case .object(var members) = newValue {
            members["reason"] = .string(reason)
            newValue = .object(members)
        }
        try await audit.insert(AuditLogRecord(
            userId: user.id, action: command.auditAction, resourceType: "strategy", resourceId: name.rawValue,
            oldValue: old.jsonText, newValue: newValue.jsonText, createdAt: now))
        var eventId: Int64?
        if command == .halt {
            eventId = try await RiskEventRepository(connection).insert(RiskEventRecord(
                eventType: RiskEventType.stateChange.rawValue, severity: .critical, strategyId: row.id,
                description: "halted by \(user.username) (\(user.role.rawValue)): \(row.status.rawValue) -> halted"
                    + (reason.map { "; reason: \($0)" } ?? ""),
                actionTaken: "halted", createdAt: now, mode: mode == .paper ? .paper : .live))
        }
        try await NotificationChannel.strategyControl.notify(name.rawValue, on: connection)
        return .success(StrategyControlOutcome(strategy: name, from: row.status, to: newStatus, riskEventId: eventId))
    }

    /// The audit JSON of a status: the database status and Risk's trading state.
    static func stateJSON(_ status: StrategyStatus) -> ParameterValue {
        .object(["status": .string(status.rawValue),
                 "state": StrategyStatusMapping.tradingState(status).map { .string($0.rawValue) } ?? .null])
    }

    /// The deployed mode: the stored manifest's `mode`, else what the status implies.
    static func mode(of row: StrategyDeploymentRecord) -> ManifestMode {
        if let text = row.manifest,
           let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
           let mode = (object["mode"] as? String).flatMap(ManifestMode.init(rawValue:)) {
            return mode
        }
        return row.status == .active ? .live : .paper
    }
}
