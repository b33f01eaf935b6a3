import ArgumentParser
import Foundation

/// A command that ran and failed, as opposed to one called wrongly: its reason goes to stderr as
/// `runtime: WHAT: reason` (WHAT names the command, or the kind of failure: `refused`, `database`),
/// after whatever the command printed, and it exits 1 without argument-parser's usage text (which
/// a `ValidationError` would add).
enum CommandFailure {
    static func exit(_ what: String, _ reason: String) -> ExitCode {
        fflush(nil)
        FileHandle.standardError.write(Data("runtime: \(what): \(reason)\n".utf8))
        return ExitCode(1)
    }
}
