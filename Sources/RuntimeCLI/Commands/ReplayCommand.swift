import ArgumentParser

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Replay recorded OKX frames through the same host code on event time.")

    func run() async throws {
        throw NotImplementedYet(command: "replay", issue: 9)
    }
}
