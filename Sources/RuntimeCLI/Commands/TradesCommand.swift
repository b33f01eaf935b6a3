import ArgumentParser

struct TradesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trades", abstract: "List trades (orders and fills).")

    func run() async throws {
        throw NotImplementedYet(command: "trades", issue: 9)
    }
}
