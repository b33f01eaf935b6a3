import ArgumentParser

struct CandlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "candles", abstract: "Show candles for an instrument and interval.")

    func run() async throws {
        throw NotImplementedYet(command: "candles", issue: 9)
    }
}
