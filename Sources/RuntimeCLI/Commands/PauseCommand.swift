import ArgumentParser

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a strategy: no orders, market data keeps flowing (trader or admin).",
        discussion: StrategyControlArguments.discussion
    )

    @OptionGroup var arguments: StrategyControlArguments

    func run() async throws {
        try await arguments.apply(.pause)
    }
}
