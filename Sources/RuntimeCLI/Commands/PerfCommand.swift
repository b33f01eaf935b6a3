import ArgumentParser

struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "perf", abstract: "Daily strategy performance.")

    func run() async throws {
        throw NotImplementedYet(command: "perf", issue: 9)
    }
}
