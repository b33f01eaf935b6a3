import ArgumentParser

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show database, hosts, strategies, positions, data quality and writer health.")

    func run() async throws {
        throw NotImplementedYet(command: "status", issue: 9)
    }
}
