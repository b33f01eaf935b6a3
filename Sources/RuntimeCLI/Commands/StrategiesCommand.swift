import ArgumentParser

struct StrategiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "strategies", abstract: "List deployed strategies.")

    func run() async throws {
        throw NotImplementedYet(command: "strategies", issue: 6)
    }
}
