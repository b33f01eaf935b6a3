import Foundation
import TradingCore

/// Frames read from recordings (``FrameRecording`` lines) and from plain files of raw OKX frames (like
/// the test fixtures), put in event-time order.
///
/// A raw frame has no receive time; it is given its exchange time (the `ts` of its first event; a
/// control frame inherits the time of the frame before it), so replay runs on event time either way.
/// Frames from several files are merged by time; ties keep file order, then line order, so the same
/// input always gives the same sequence.
public enum RecordedFrames {
    /// Reads and merges `paths`.
    public static func load(paths: [String]) throws(RecordingError) -> [ReceivedFrame] {
        var keyed: [(frame: ReceivedFrame, file: Int, line: Int)] = []
        for (fileIndex, path) in paths.enumerated() {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .unreadableFile(path: path, reason: "\(error.localizedDescription)")
            }
            var decoder = OKXCodec()
            var lastTime = Timestamp.zero
            var lineNumber = 0
            // Split on the LF byte: as Characters, CR LF is one grapheme that a "\n" split never cuts.
            for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                let trimmed = String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
                if trimmed.allSatisfy(\.isWhitespace) { continue }
                let frame: ReceivedFrame
                do throws(RecordingError) {
                    if let recorded = try FrameRecording.parse(line: trimmed) {
                        frame = recorded
                    } else {
                        let time = (try? decoder.decode(trimmed))?.marketEvents.first?.timestamp ?? lastTime
                        frame = ReceivedFrame(text: trimmed, receivedAt: time)
                    }
                } catch {
                    throw .lineError(path: path, line: lineNumber, reason: error.description)
                }
                lastTime = frame.receivedAt
                keyed.append((frame, fileIndex, lineNumber))
            }
        }
        keyed.sort { lhs, rhs in
            if lhs.frame.receivedAt != rhs.frame.receivedAt { return lhs.frame.receivedAt < rhs.frame.receivedAt }
            if lhs.file != rhs.file { return lhs.file < rhs.file }
            return lhs.line < rhs.line
        }
        return keyed.map(\.frame)
    }
}
