import ArgumentParser

struct HaltCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "halt", abstract: "Kill switch: halt one strategy or --all.")

    func run() async throws {
        throw NotImplementedYet(command: "halt", issue: 7)
    }
}
