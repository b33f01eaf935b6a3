import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending schema migrations (--status lists applied and pending ones).")

    func run() async throws {
        throw NotImplementedYet(command: "migrate", issue: 3)
    }
}
