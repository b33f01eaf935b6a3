#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MarketData
import TradingCore

/// The output file: what an existing one holds (for a resume), cutting it back to whole segments,
/// and appending segments durably.
public enum HistoryFile {
    /// What an existing output file holds.
    public struct Contents: Sendable, Hashable {
        /// Complete lines, each with its record's time and the byte offset just past its newline.
        public var lines: [Line] = []
        /// Bytes after the last newline: a line a crash cut short (0 when the file ends cleanly).
        public var partialTailBytes = 0

        /// One complete line of the file.
        public struct Line: Sendable, Hashable {
            /// The record's instrument.
            public var instrument: String
            /// The record's time, ms: a candle's open time, a trade's time.
            public var time: Int64
            /// The byte offset just past the line's newline.
            public var endOffset: Int
        }

        /// The newest record's time.
        public var lastRecordTime: Int64? { lines.map(\.time).max() }

        /// The byte length that keeps exactly the lines of records older than `time`. Lines are
        /// oldest first, so those are a prefix.
        public func length(keepingBefore time: Int64) -> Int {
            var length = 0
            for line in lines {
                guard line.time < time else { break }
                length = line.endOffset
            }
            return length
        }
    }

    /// Reads an existing file (nil when there is none). Every complete line must be a record of
    /// this download (its channel, one of its instruments) in the recording format: a resume into a
    /// file of something else is refused rather than mixed into it.
    public static func read(path: String, kind: HistoryKind, instruments: Set<String>) throws(HistoryError) -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw .file(path: path, reason: "cannot be read") }
        var contents = Contents()
        var codec = OKXCodec()
        var start = 0
        var lineNumber = 0
        let bytes = [UInt8](data)
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            lineNumber += 1
            let text = String(decoding: bytes[start..<newline], as: UTF8.self)
            start = newline + 1
            guard !text.isEmpty else { continue }
            let recorded: ReceivedFrame?
            do { recorded = try FrameRecording.parse(line: text) } catch {
                throw .file(path: path, reason: "line \(lineNumber): \(error)")
            }
            guard let recorded else { throw .file(path: path, reason: "line \(lineNumber) is not a recording line") }
            let event: MarketEvent?
            do { event = try codec.decode(recorded.text).marketEvents.first } catch {
                throw .file(path: path, reason: "line \(lineNumber): \(error)")
            }
            let time: Int64, instrument: String
            switch (kind, event) {
            case (.candles(let interval), .candle(let candle)?) where candle.interval == interval:
                time = candle.openTime.millisecondsSinceEpoch; instrument = candle.instrument.description
            case (.trades, .trade(let trade)?):
                time = trade.timestamp.millisecondsSinceEpoch; instrument = trade.instrument.description
            default:
                throw .file(path: path, reason: "line \(lineNumber) is not a \(kind.channel) record; it was not written by this download (choose another --out)")
            }
            guard instruments.contains(instrument) else {
                throw .file(path: path, reason: "line \(lineNumber) is of \(instrument), which this download does not fetch (choose another --out)")
            }
            if let previous = contents.lines.last, time < previous.time {
                throw .file(path: path, reason: "line \(lineNumber) is older than the line before it; a download writes oldest first")
            }
            contents.lines.append(Contents.Line(instrument: instrument, time: time, endOffset: start))
        }
        contents.partialTailBytes = bytes.count - start
        return contents
    }

    /// Cuts the file to `length` bytes (dropping a partial last line and the segment being redone).
    public static func truncate(path: String, to length: Int) throws(HistoryError) {
        #if canImport(Glibc)
        let result = Glibc.truncate(path, off_t(length))
        #else
        let result = Darwin.truncate(path, off_t(length))
        #endif
        guard result == 0 else {
            throw .file(path: path, reason: "cannot be cut back to \(length) bytes: \(String(cString: strerror(errno)))")
        }
    }

    /// Appends whole segments, each made durable (fsync) before the next is fetched, so a crash
    /// leaves whole segments and at most one partial one at the end, which a resume cuts away.
    public final class Appender {
        /// The file appended to.
        public let path: String
        private let descriptor: Int32

        /// Opens (creating) the file for appending.
        public init(path: String) throws(HistoryError) {
            self.path = path
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .file(path: path, reason: "cannot be opened for writing: \(String(cString: strerror(errno)))") }
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }

        /// Writes `lines` (each followed by a newline) and syncs them to disk.
        public func append(_ lines: [String]) throws(HistoryError) {
            guard !lines.isEmpty else { return }
            var bytes: [UInt8] = []
            for line in lines {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { buffer in
                    write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw .file(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
                }
                written += result
            }
            guard fsync(descriptor) == 0 else { throw .file(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        }
    }
}
