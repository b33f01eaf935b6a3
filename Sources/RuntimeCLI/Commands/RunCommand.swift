import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Start the host: trade deployed strategies on the paper venue against the live OKX feed.")

    func run() async throws {
        throw NotImplementedYet(command: "run", issue: 9)
    }
}
