import ArgumentParser

struct PositionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "positions", abstract: "List positions with unrealized PnL.")

    func run() async throws {
        throw NotImplementedYet(command: "positions", issue: 9)
    }
}
