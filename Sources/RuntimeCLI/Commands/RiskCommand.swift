import ArgumentParser

struct RiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "risk", abstract: "List and acknowledge risk events.")

    func run() async throws {
        throw NotImplementedYet(command: "risk", issue: 7)
    }
}
