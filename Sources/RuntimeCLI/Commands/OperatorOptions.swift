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
    @Option(name: .long, help: "Act as this user (admins only; default: $RUNTIME_USER, else yourself: your OS user on the embedded cluster, your PostgreSQL role on a shared server).")
    var user: String?

    /// The user asked to act as, if any.
    var actingAs: String? { DatabaseEnvironment.requestedUser(flag: user) }
}

/// The arguments of `pause`, `resume` and `stop`: which strategy, who acts, why, and the output form.
struct StrategyControlArguments: ParsableArguments {
    @Argument(help: "The strategy name.")
    var name: String

    @OptionGroup var actingUser: ActingUserOption

    @Option(name: .long, help: "Why (recorded in audit_logs).")
    var reason: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    /// Applies `command` to the named strategy (see ``OperatorCLI/control(_:name:user:reason:json:)``).
    func apply(_ command: OperatorCommand) async throws {
        try await OperatorCLI.control(command, name: name, user: actingUser, reason: reason, json: json)
    }

    /// What the three commands' help says about how a change takes effect.
    static let discussion = """
        Changes strategies.status in the database through the trading-state rules, writes an audit_logs row with \
        the acting user (old and new state as JSON) and notifies a running host (NOTIFY strategy_control), which \
        applies the change at once. An illegal transition is refused with a non-zero exit.
        """
}

/// What the operator commands share: refusals on stderr with a non-zero exit, not a usage dump.
enum OperatorCLI {
    /// Runs `body`; an ``OperatorError`` is printed as `runtime: refused: ...` and exits 1.
    static func run(_ body: () async throws -> Void) async throws {
        try await runReturning(body)
    }

    /// ``run(_:)`` for a body with a result.
    static func runReturning<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as OperatorError {
            throw CommandFailure.exit("refused", error.description)
        } catch let error as StorageError {
            throw CommandFailure.exit("database", "\(error)")
        } catch let error as PSQLError {
            // A query outside a repository (e.g. postgres-nio's pool): its server message, never
            // the library's generic text.
            throw CommandFailure.exit("database", postgresErrorText(error))
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
            try await DatabaseEnvironment.withOperator(actingAs: user.actingAs) { context in
                let strategy = StrategyName(name)
                let actor = try await context.authorize(StrategyControl.permission(for: command), action: command.auditAction,
                                                        resourceType: "strategy", resourceId: name,
                                                        request: .object(["command": .string(command.rawValue)]))
                let outcome = try await StrategyControl(client: context.client).apply(command, to: strategy, by: actor, reason: reason)
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
