import ArgumentParser

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused or halted strategy.")

    func run() async throws {
        throw NotImplementedYet(command: "resume", issue: 9)
    }
}
