import ArgumentParser

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a strategy.")

    func run() async throws {
        throw NotImplementedYet(command: "stop", issue: 9)
    }
}
