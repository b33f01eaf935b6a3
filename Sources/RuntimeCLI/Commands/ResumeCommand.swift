import ArgumentParser

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused, reducing, halted or stopped strategy (trader or admin).",
        discussion: StrategyControlArguments.discussion
    )

    @OptionGroup var arguments: StrategyControlArguments

    func run() async throws {
        try await arguments.apply(.resume)
    }
}
