import ArgumentParser

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a strategy (no new orders; open orders stay).")

    func run() async throws {
        throw NotImplementedYet(command: "pause", issue: 9)
    }
}
