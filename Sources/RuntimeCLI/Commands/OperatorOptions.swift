import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Risk
import RuntimeHost
import Storage
import StrategyKit
import TradingCore

/// `--user NAME`: the acting user of a changing command.
struct ActingUserOption: ParsableArguments {
    @Option(name: .long, help: "The acting user, checked against the users table (default: $RUNTIME_USER, else 'admin', created on first use when there are no users).")
    var user: String?

    /// The user name to act as.
    var name: String { ActingUser.requestedName(flag: user) }
}

/// What the operator commands share: refusals on stderr with a non-zero exit, not a usage dump.
enum OperatorCLI {
    /// Runs `body`; an ``OperatorError`` is printed as `runtime: refused: ...` and exits 1.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as OperatorError {
            FileHandle.standardError.write(Data("runtime: refused: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as StorageError {
            FileHandle.standardError.write(Data("runtime: database: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// ISO 8601 UTC text of a timestamp (seconds precision).
    static func time(_ timestamp: Timestamp?) -> String {
        guard let timestamp else { return "" }
        let date = Date(timeIntervalSince1970: TimeInterval(timestamp.millisecondsSinceEpoch) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Prints a JSON value (sorted keys).
    static func printJSON(_ value: ParameterValue) {
        print(value.jsonText)
    }

    /// Shared body of pause, resume and stop (and halt NAME).
    static func control(_ command: OperatorCommand, name: String, user: ActingUserOption, reason: String?, json: Bool) async throws {
        try await run {
            try await DatabaseEnvironment.withDatabase { _, client in
                let strategy = StrategyName(name)
                let actor = try await OperatorAccess(client: client).authorize(
                    user.name, for: StrategyControl.permission(for: command), action: command.auditAction,
                    resourceType: "strategy", resourceId: name, request: .object(["command": .string(command.rawValue)]))
                let outcome = try await StrategyControl(client: client).apply(command, to: strategy, by: actor, reason: reason)
                if json {
                    printJSON(outcomeJSON(outcome, user: actor))
                } else {
                    print("\(outcome.strategy): \(outcome.from.rawValue) -> \(outcome.to.rawValue) (by \(actor.username))"
                          + (outcome.riskEventId.map { "; risk event \($0)" } ?? ""))
                }
            }
        }
    }

    static func outcomeJSON(_ outcome: StrategyControlOutcome, user: ActingUser) -> ParameterValue {
        .object(["strategy": .string(outcome.strategy.rawValue), "from": .string(outcome.from.rawValue), "to": .string(outcome.to.rawValue),
                 "user": .string(user.username), "risk_event_id": outcome.riskEventId.map { .number(String($0)) } ?? .null])
    }
}
