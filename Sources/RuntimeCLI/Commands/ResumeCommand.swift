import ArgumentParser
import Risk

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused, reducing, halted or stopped strategy (trader or admin).",
        discussion: """
            Changes strategies.status in the database through the trading-state rules, writes an audit_logs row with \
            the acting user (old and new state as JSON) and notifies a running host (NOTIFY strategy_control), which \
            applies the change at once. An illegal transition is refused with a non-zero exit.
            """
    )

    @Argument(help: "The strategy name.")
    var name: String

    @OptionGroup var actingUser: ActingUserOption

    @Option(name: .long, help: "Why (recorded in audit_logs).")
    var reason: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await OperatorCLI.control(.resume, name: name, user: actingUser, reason: reason, json: json)
    }
}
