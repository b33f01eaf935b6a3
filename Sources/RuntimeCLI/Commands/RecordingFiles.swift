import ArgumentParser
import Foundation
import MarketData

/// The recording files `runtime replay` and `runtime sweep` read.
enum RecordingFiles {
    /// Refuses unreadable files, and a bad line in a file small enough to be read whole, before
    /// the database or an engine is touched.
    static func check(_ files: [String]) throws {
        let missing = files.filter { !FileManager.default.isReadableFile(atPath: $0) }
        guard missing.isEmpty else { throw ValidationError("cannot read \(missing.joined(separator: ", "))") }
        do {
            _ = try RecordedFrameStream(paths: files)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
