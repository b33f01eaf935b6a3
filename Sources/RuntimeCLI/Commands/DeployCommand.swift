import ArgumentParser

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Validate a strategy manifest and deploy it (--dry-run validates only).")

    func run() async throws {
        throw NotImplementedYet(command: "deploy", issue: 6)
    }
}
