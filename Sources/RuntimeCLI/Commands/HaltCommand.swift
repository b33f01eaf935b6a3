import ArgumentParser
import Risk
import RuntimeHost
import StrategyKit

struct HaltCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halt",
        abstract: "Kill switch: halt one strategy or --all (trader, admin or risk_officer).",
        discussion: """
            A halted strategy sends no orders, reducing ones included, and stays halted across host restarts until an \
            operator runs `runtime resume`. Each halt writes strategies.status, a risk_events row (critical) and an \
            audit_logs row, and notifies a running host (NOTIFY strategy_control).
            """
    )

    @Argument(help: "The strategy name (or use --all).")
    var name: String?

    @Flag(name: .long, help: "Halt every strategy that is trading, paper trading, reducing or paused.")
    var all = false

    @OptionGroup var actingUser: ActingUserOption

    @Option(name: .long, help: "Why (recorded in audit_logs and risk_events).")
    var reason: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if all == (name != nil) { throw ValidationError("give a strategy name or --all (not both)") }
    }

    func run() async throws {
        guard all else {
            try await OperatorCLI.control(.halt, name: name ?? "", user: actingUser, reason: reason, json: json)
            return
        }
        try await OperatorCLI.run {
            try await DatabaseEnvironment.withOperator(actingAs: actingUser.actingAs) { context in
                let actor = try await context.authorize(.haltAll, action: OperatorCommand.halt.auditAction, resourceType: "strategy",
                                                        resourceId: "*", request: .object(["command": .string("halt"), "all": .bool(true)]))
                let outcomes = try await StrategyControl(client: context.client).haltAll(by: actor, reason: reason)
                if json {
                    print(ParameterValue.array(outcomes.map { OperatorCLI.outcomeJSON($0, user: actor) }).jsonText)
                } else if outcomes.isEmpty {
                    print("nothing to halt: no strategy is trading, reducing or paused")
                } else {
                    for outcome in outcomes {
                        print("\(outcome.strategy): \(outcome.from.rawValue) -> halted"
                              + (outcome.riskEventId.map { " (risk event \($0))" } ?? ""))
                    }
                    print("halted \(outcomes.count) strateg\(outcomes.count == 1 ? "y" : "ies") as \(actor.username)")
                }
            }
        }
    }
}
