import ArgumentParser
import Foundation

/// A command that ran and failed, as opposed to one called wrongly: its reason goes to stderr as
/// `runtime: COMMAND: reason`, after whatever the command printed, and it exits 1 without
/// argument-parser's usage text (which a `ValidationError` would add).
enum CommandFailure {
    static func exit(_ command: String, _ reason: String) -> ExitCode {
        fflush(nil)
        FileHandle.standardError.write(Data("runtime: \(command): \(reason)\n".utf8))
        return ExitCode(1)
    }
}
