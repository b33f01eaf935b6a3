import ArgumentParser

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a strategy: it stops trading on this deployment (trader or admin).",
        discussion: StrategyControlArguments.discussion
    )

    @OptionGroup var arguments: StrategyControlArguments

    func run() async throws {
        try await arguments.apply(.stop)
    }
}
