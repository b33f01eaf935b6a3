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

/// `runtime pause|resume|stop|halt`: Risk's trading-state rules choose the new status; the
/// database's `runtime_control_strategy` checks the operator (and, resuming a strategy the risk
/// engine halted, separation of duties) and writes it in one transaction with its audit_logs row
/// (old and new state as JSON), a risk_events row for halts, and `NOTIFY strategy_control,
/// '<name>'` so a running host reacts at once. A refused command writes only a refused audit row.
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
        let functions = OperatorFunctions(connection)
        if let origin = user.origin { try await functions.declare(origin) }
        func refuse(_ error: OperatorError, old: ParameterValue?) async throws -> Result<StrategyControlOutcome, OperatorError> {
            try await functions.recordRefusal(by: user, action: command.auditAction, resourceType: "strategy", resourceId: name.rawValue,
                                              oldValue: old?.jsonText, request: .object(["command": .string(command.rawValue)]), error: error)
            return .failure(error)
        }
        // The database applies the change if the status is still the one read here; a host
        // changing it meanwhile (a risk halt) makes this read again, under the row lock the
        // database now holds.
        for _ in 0..<3 {
            guard let row = try await StrategyRepository(connection).deployment(named: name) else {
                return try await refuse(.unknownStrategy(name.rawValue), old: nil)
            }
            let old = stateJSON(row.status)
            guard let state = StrategyStatusMapping.tradingState(row.status) else {
                return try await refuse(.notControllable(strategy: name.rawValue, status: row.status.rawValue), old: old)
            }
            let target: StrategyTradingState
            switch state.transition(to: command.targetState, by: .operator) {
            case .failure(let reason):
                return try await refuse(.illegalTransition(strategy: name.rawValue, command: command, reason: reason), old: old)
            case .success(let next):
                target = next
            }
            let newStatus = StrategyStatusMapping.status(target, mode: Self.mode(of: row))
            var newValue = stateJSON(newStatus)
            if let reason, case .object(var members) = newValue {
                members["reason"] = .string(reason)
                newValue = .object(members)
            }
            let result = try await functions.controlStrategy(
                identity: user.login, actingAs: user.actingAs, command: command.rawValue, strategy: name, expected: row.status,
                newStatus: newStatus, reason: reason, oldValue: old.jsonText, newValue: newValue.jsonText)
            switch result.refusal {
            case nil:
                return .success(StrategyControlOutcome(strategy: name, from: row.status, to: newStatus, riskEventId: result.eventId))
            case .statusChanged?:
                continue
            case .unknownStrategy?:
                return try await refuse(.unknownStrategy(name.rawValue), old: nil)
            case .haltNotAcknowledged?:
                return try await refuse(.haltNotAcknowledged(strategy: name.rawValue, eventId: result.eventId ?? 0), old: old)
            case .resumeNeedsAdmin?:
                return try await refuse(.resumeNeedsAdmin(strategy: name.rawValue, eventId: result.eventId ?? 0), old: old)
            }
        }
        throw StorageError.database(operation: "\(command.rawValue) \(name)",
                                    message: "the strategy's status kept changing while the command ran; run it again")
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
