// End-to-end throughput harness: `scripts/bench.sh e2e` (see `--help`). Prints one table.
//
// main stays synchronous and waits on a semaphore: with an async top-level main the main thread
// parks in dispatch_main's sigsuspend, and Foundation's Process then never noticed that the
// embedded cluster's `pg_ctl start` (run through runuser) had exited: the harness hung there.
import Dispatch
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

final class ExitStatus: @unchecked Sendable {
    var code: Int32 = 0
}
let status = ExitStatus()
let finished = DispatchSemaphore(value: 0)
Task.detached {
    do {
        try await Harness(options: options).run()
    } catch {
        FileHandle.standardError.write(Data("e2e: \(error)\n".utf8))
        status.code = 1
    }
    finished.signal()
}
finished.wait()
exit(status.code)
