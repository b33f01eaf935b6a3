import ArgumentParser

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record live OKX frames with their receive time to a JSONL file.")

    func run() async throws {
        throw NotImplementedYet(command: "record", issue: 4)
    }
}
