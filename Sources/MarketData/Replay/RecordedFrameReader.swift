#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TradingCore

/// One frame read from a recording file: its bytes, valid only until the reader that produced it
/// reads again (they point into the reader's chunk buffer).
public struct RecordedFrame {
    /// The OKX frame's bytes exactly as received (a ``FrameRecording`` line is already unwrapped).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The receive time of a recording line; for a raw frame, see ``RecordedFrameReader/RawFrameTiming``.
    public let receivedAt: Timestamp
    /// The endpoint a recording line names (nil for raw frames).
    public let endpoint: OKXEndpointKind?
    /// The 1-based line of the file the frame is on.
    public let line: Int

    /// An owned copy (for code that must keep the frame past the reader's next read).
    public func received() -> ReceivedFrame {
        ReceivedFrame(text: String(decoding: bytes, as: UTF8.self), receivedAt: receivedAt, endpoint: endpoint)
    }
}

/// Reads one recording file, ``FrameRecording`` lines or raw OKX frames one per line (both may be
/// mixed), in fixed-size chunks, so memory stays at about one chunk whatever the file's size (a
/// single line longer than the chunk grows the buffer to that line).
///
/// Raw frames are handed over without copying; a recording line's frame is unescaped once into a
/// reusable buffer. Lines are read as ``RecordedFrames/load(paths:)`` reads them: a trailing CR is
/// dropped, blank lines are skipped, a final line without newline counts, and a line that starts
/// like a recording line but is not one is an error naming the file and the line.
///
/// Order: a file no larger than `sortingFilesUpTo` bytes is read whole on opening and played in
/// time order (ties in line order), exactly as the loader orders it (hand-made raw-frame files such
/// as the fixtures mix instruments and channels out of time order); its memory is bounded by that
/// limit. A larger file plays in its line order, which for `runtime record` files is receive order.
public final class RecordedFrameReader {
    /// How a raw frame (which carries no receive time) is timed.
    public enum RawFrameTiming: Sendable, Hashable {
        /// Decoded once more to find its exchange time (the `ts` of its first event; a control frame
        /// inherits the time of the frame before it): what merging files and paced replay need.
        case eventTime
        /// Not decoded: it inherits the time of the frame before it (zero at the start). For a single
        /// file played as fast as possible, where the engine takes its clock from the events anyway.
        case inherited
    }

    /// The chunk size replay uses (the benchmark harness too).
    public static let defaultChunkSize = 8 << 20
    /// Files up to this size are played in time order by default (see the type's documentation).
    public static let defaultSortingLimit = 8 << 20

    /// A small file's frames, read whole and put in time order.
    private struct SortedFrames {
        struct Entry {
            var offset: Int
            var count: Int
            var receivedAt: Timestamp
            var endpoint: OKXEndpointKind?
            var line: Int
        }

        /// Every frame's bytes, back to back (an unwrapped frame is never longer than its line).
        var arena: UnsafeMutableBufferPointer<UInt8>
        var used = 0
        var entries: [Entry] = []
        var position = 0
    }

    /// The file read.
    public let path: String
    /// How raw frames are timed.
    public let rawFrameTiming: RawFrameTiming
    /// Bytes read from the file per read call.
    public let chunkSize: Int

    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes of `buffer` holding file data.
    private var filled = 0
    /// Where the next unread line starts.
    private var lineStart = 0
    /// Where the newline search resumes (everything from `lineStart` to here has no newline).
    private var searchFrom = 0
    private var atEnd = false
    private var lineNumber = 0
    private var lastTime = Timestamp.zero
    /// An unwrapped recording line's frame (reused; grows to the longest frame).
    private var unwrapped: UnsafeMutableBufferPointer<UInt8>
    private var codec = OKXCodec()
    private var timesRawFrames: Bool
    private var sorted: SortedFrames?

    /// Opens `path`.
    /// - Parameters:
    ///   - chunkSize: bytes per read (at least 1); memory is about this much per open reader.
    ///   - sortingFilesUpTo: a file of at most this many bytes is read whole and played in time
    ///     order (its raw frames then are always timed by their events); 0 plays every file in line order.
    public init(path: String, chunkSize: Int = RecordedFrameReader.defaultChunkSize,
                rawFrameTiming: RawFrameTiming = .eventTime,
                sortingFilesUpTo sortingLimit: Int = RecordedFrameReader.defaultSortingLimit) throws(RecordingError) {
        guard let file = fopen(path, "rb") else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
        self.chunkSize = max(1, chunkSize)
        self.rawFrameTiming = rawFrameTiming
        self.timesRawFrames = rawFrameTiming == .eventTime
        self.buffer = .allocate(capacity: self.chunkSize)
        self.unwrapped = .allocate(capacity: 256)
        var status = stat()
        // Only a regular file: a pipe's size says nothing about what will come through it.
        if fstat(fileno(file), &status) == 0, status.st_mode & 0o170000 == 0o100000, Int(status.st_size) <= sortingLimit {
            try readSorted(size: Int(status.st_size))
        }
    }

    deinit {
        fclose(file)
        buffer.deallocate()
        unwrapped.deallocate()
        sorted?.arena.deallocate()
    }

    /// The next frame, or nil at the end of the file. The previous frame's bytes are invalid from
    /// this call on.
    public func next() throws(RecordingError) -> RecordedFrame? {
        if sorted != nil { return nextSorted() }
        return try nextInLineOrder()
    }

    /// Reads the whole (small) file and orders its frames by time, ties by line.
    private func readSorted(size: Int) throws(RecordingError) {
        timesRawFrames = true
        var frames = SortedFrames(arena: .allocate(capacity: max(size, 1)))
        do throws(RecordingError) {
            while let frame = try nextInLineOrder() {
                if frames.used + frame.bytes.count > frames.arena.count {
                    // The file grew since it was measured.
                    let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * (frames.used + frame.bytes.count))
                    _ = larger.initialize(from: frames.arena[0..<frames.used])
                    frames.arena.deallocate()
                    frames.arena = larger
                }
                _ = UnsafeMutableBufferPointer(rebasing: frames.arena[frames.used..<(frames.used + frame.bytes.count)]).initialize(from: frame.bytes)
                frames.entries.append(.init(offset: frames.used, count: frame.bytes.count, receivedAt: frame.receivedAt,
                                            endpoint: frame.endpoint, line: frame.line))
                frames.used += frame.bytes.count
            }
        } catch {
            frames.arena.deallocate()
            throw error
        }
        frames.entries.sort { lhs, rhs in
            lhs.receivedAt != rhs.receivedAt ? lhs.receivedAt < rhs.receivedAt : lhs.line < rhs.line
        }
        sorted = frames
    }

    private func nextSorted() -> RecordedFrame? {
        guard let frames = sorted, frames.position < frames.entries.count, let base = frames.arena.baseAddress else { return nil }
        let entry = frames.entries[frames.position]
        sorted?.position += 1
        return RecordedFrame(bytes: UnsafeBufferPointer(start: base + entry.offset, count: entry.count), receivedAt: entry.receivedAt,
                             endpoint: entry.endpoint, line: entry.line)
    }

    private func nextInLineOrder() throws(RecordingError) -> RecordedFrame? {
        while true {
            guard let base = buffer.baseAddress else { return nil }
            if searchFrom < filled, let found = memchr(base + searchFrom, 0x0A, filled - searchFrom) {
                let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                let line = UnsafeBufferPointer(start: base + lineStart, count: end - lineStart)
                lineStart = end + 1
                searchFrom = lineStart
                if let frame = try frame(in: line) { return frame }
                continue
            }
            searchFrom = filled
            if atEnd {
                guard lineStart < filled else { return nil }
                let line = UnsafeBufferPointer(start: base + lineStart, count: filled - lineStart)
                lineStart = filled
                if let frame = try frame(in: line) { return frame }
                continue
            }
            try refill()
        }
    }

    /// Every remaining frame, in file order.
    public func forEachFrame(_ body: (RecordedFrame) -> Void) throws(RecordingError) {
        while let frame = try next() { body(frame) }
    }

    /// Moves the unread tail to the front and reads up to one chunk after it.
    private func refill() throws(RecordingError) {
        guard let base = buffer.baseAddress else { return }
        if lineStart > 0 {
            let tail = filled - lineStart
            if tail > 0 { memmove(base, base + lineStart, tail) }
            filled = tail
            searchFrom -= lineStart
            lineStart = 0
        }
        if filled == buffer.count {
            // A line longer than the buffer: make room for another chunk of it.
            let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count + chunkSize)
            if let target = larger.baseAddress { memcpy(target, base, filled) }
            buffer.deallocate()
            buffer = larger
        }
        guard let start = buffer.baseAddress else { return }
        let read = fread(start + filled, 1, min(chunkSize, buffer.count - filled), file)
        filled += read
        if read == 0 {
            if ferror(file) != 0 { throw .unreadableFile(path: path, reason: "read failed after line \(lineNumber)") }
            atEnd = true
        }
    }

    /// The frame on one line (without its newline), or nil for a blank line.
    private func frame(in rawLine: UnsafeBufferPointer<UInt8>) throws(RecordingError) -> RecordedFrame? {
        lineNumber += 1
        var line = rawLine
        if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy(Self.isASCIIWhitespace) { return nil }
        var recorded: ReceivedFrame?
        // A line opening with the "arg" key is an OKX push (what FrameRecording.parse concludes at
        // that key too): skip the scanner for the common case.
        if !Self.startsLikeAPush(line) {
            do throws(RecordingError) {
                recorded = try FrameRecording.parse(line)
            } catch {
                throw .lineError(path: path, line: lineNumber, reason: error.description)
            }
        }
        if let recorded {
            lastTime = recorded.receivedAt
            return RecordedFrame(bytes: unwrap(recorded.text), receivedAt: recorded.receivedAt, endpoint: recorded.endpoint, line: lineNumber)
        }
        if timesRawFrames, let time = (try? codec.decode(line))?.marketEvents.first?.timestamp {
            lastTime = time
        }
        return RecordedFrame(bytes: line, receivedAt: lastTime, endpoint: nil, line: lineNumber)
    }

    /// Copies a recording line's frame into the reusable buffer.
    private func unwrap(_ text: String) -> UnsafeBufferPointer<UInt8> {
        let count = text.utf8.count
        if count > unwrapped.count {
            unwrapped.deallocate()
            unwrapped = .allocate(capacity: max(count, unwrapped.count * 2))
        }
        _ = UnsafeMutableBufferPointer(rebasing: unwrapped[0..<count]).initialize(from: text.utf8)
        return UnsafeBufferPointer(rebasing: unwrapped[0..<count])
    }

    private static func startsLikeAPush(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.count > 7 && line[0] == UInt8(ascii: "{") && line[1] == UInt8(ascii: "\"") && line[2] == UInt8(ascii: "a")
            && line[3] == UInt8(ascii: "r") && line[4] == UInt8(ascii: "g") && line[5] == UInt8(ascii: "\"") && line[6] == UInt8(ascii: ":")
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
