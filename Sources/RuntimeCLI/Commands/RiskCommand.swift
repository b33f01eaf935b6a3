import ArgumentParser
import Foundation
import RuntimeHost
import Storage
import StrategyKit

struct RiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "List and acknowledge risk events.", subcommands: [List.self, Ack.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Risk events, newest first.")

        @Flag(name: .long, help: "Only events nobody has acknowledged.")
        var unacked = false

        @Option(name: .long, help: "Only this severity (info, warning, critical, emergency); repeatable.")
        var severity: [String] = []

        @Option(name: .long, parsing: .unconditional, help: "At most this many events.")
        var limit = 100

        @Flag(name: .long, help: "Print JSON (decimals as strings).")
        var json = false

        func run() async throws {
            var severities: [RiskSeverity] = []
            for name in severity {
                guard let value = RiskSeverity(rawValue: name) else {
                    throw ValidationError("--severity must be one of \(RiskSeverity.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
                }
                severities.append(value)
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
            let chosen = severities
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withDatabase(as: .read, action: "view.risk_events") { _, client in
                    let rows = try await RiskEventDesk(client: client).list(unacknowledgedOnly: unacked, severities: chosen, limit: limit)
                    if json {
                        print(ParameterValue.array(rows.map { event, strategy in
                            .object([
                                "id": .number(String(event.id ?? 0)), "created_at": .string(OperatorCLI.time(event.createdAt)),
                                "event_type": .string(event.eventType), "severity": .string(event.severity.rawValue),
                                "strategy": strategy.map { .string($0.rawValue) } ?? .null, "symbol": event.symbol.map { .string($0) } ?? .null,
                                "description": .string(event.description), "metric_name": event.metricName.map { .string($0) } ?? .null,
                                "metric_value": event.metricValue.map { .string($0.description) } ?? .null,
                                "threshold_value": event.thresholdValue.map { .string($0.description) } ?? .null,
                                "action_taken": event.actionTaken.map { .string($0) } ?? .null, "acknowledged": .bool(event.acknowledged),
                                "acknowledged_at": event.acknowledgedAt.map { .string(OperatorCLI.time($0)) } ?? .null,
                                "mode": event.mode.map { .string($0.rawValue) } ?? .null,
                            ])
                        }).jsonText)
                        return
                    }
                    var table = TextTable("ID", "TIME (UTC)", "SEVERITY", "TYPE", "STRATEGY", "SYMBOL", "ACK", "DESCRIPTION")
                    for (event, strategy) in rows {
                        table.add(String(event.id ?? 0), OperatorCLI.time(event.createdAt), event.severity.rawValue, event.eventType,
                                  strategy?.rawValue ?? "-", event.symbol ?? "-", event.acknowledged ? "yes" : "no", event.description)
                    }
                    print(table.render())
                    print("\(rows.count) event(s)" + (unacked ? " unacknowledged" : ""))
                }
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Acknowledge a risk event (trader, admin or risk_officer).")

        @Argument(help: "The event id (from `runtime risk list`).")
        var id: Int64

        @OptionGroup var actingUser: ActingUserOption

        func run() async throws {
            try await OperatorCLI.run {
                try await DatabaseEnvironment.withOperator(actingAs: actingUser.actingAs) { context in
                    let actor = try await context.authorize(.acknowledgeRisk, action: RiskEventDesk.acknowledgeAction,
                                                            resourceType: "risk_event", resourceId: String(id))
                    try await RiskEventDesk(client: context.client).acknowledge(id: id, by: actor)
                    print("risk event \(id) acknowledged by \(actor.username)")
                }
            }
        }
    }
}
