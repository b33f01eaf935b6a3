import ArgumentParser
import Foundation

/// Where `--report` writes: checked before any work starts (so a typo does not cost a whole
/// replay), written at the end in one step (no half-written page is left behind).
struct ReportFile {
    let path: String

    /// Refuses a path that cannot be written, naming `option`.
    init(checking path: String, option: String = "--report") throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("\(option): \(path) is a directory; name the HTML file to write") }
            guard FileManager.default.isWritableFile(atPath: url.path) else { throw ValidationError("\(option): \(path) is not writable") }
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option): the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ValidationError("\(option): cannot write into \(folder) (permission denied)")
        }
        self.path = url.path
    }

    func write(_ html: String) throws {
        do {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("--report: could not write \(path): \(error.localizedDescription)")
        }
    }
}
