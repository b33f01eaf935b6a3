// End-to-end throughput harness: `scripts/bench.sh e2e` (see `--help`). Prints one table.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print(HarnessOptions.usage)
    exit(0)
}
let options: HarnessOptions
do {
    options = try HarnessOptions(Array(arguments))
} catch {
    FileHandle.standardError.write(Data("e2e: \(error)\n\n\(HarnessOptions.usage)\n".utf8))
    exit(2)
}
do {
    try await Harness(options: options).run()
} catch {
    FileHandle.standardError.write(Data("e2e: \(error)\n".utf8))
    exit(1)
}
