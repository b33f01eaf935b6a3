import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a password from standard input: on a terminal with a prompt, echo off and a
/// confirmation; piped, the first line as is (for scripts).
enum PasswordPrompt {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String { "password: the two entries differ; nothing was changed" }
    }

    static func read(for username: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            return Swift.readLine(strippingNewline: true) ?? ""
        }
        let first = try hidden("New password for \(username): ")
        let second = try hidden("Repeat it: ")
        guard first == second else { throw Mismatch() }
        return first
    }

    static func hidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true) ?? ""
    }
}
