import ArgumentParser

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Manage the embedded PostgreSQL cluster: start, stop, status, url.")

    func run() async throws {
        throw NotImplementedYet(command: "db", issue: 3)
    }
}
