import TradingCore

/// The frames of several recording files in one sequence, read in chunks (one
/// ``RecordedFrameReader`` per file), in the order ``RecordedFrames/load(paths:)`` gives for files
/// that are each in time order: merged by time, ties keep file order, then line order.
///
/// A file larger than the sorting limit plays in its own line order (sorting it would need the
/// whole file in memory); recordings are written in receive order. Frames of such a file that go
/// back in time are played as written, and ``framesBehind`` counts the frames that came earlier
/// than the frame played before them. Smaller files are sorted (see ``RecordedFrameReader``).
public final class RecordedFrameStream {
    private let readers: [RecordedFrameReader]
    /// Each file's next frame; nil once the file is exhausted.
    private var heads: [RecordedFrame?] = []
    /// The file whose head was handed out last: it is advanced on the next call, so the frame
    /// handed out stays valid until then.
    private var consumed: Int?
    private var lastTime: Timestamp?

    /// The files, in argument order.
    public var paths: [String] { readers.map(\.path) }
    /// Frames played so far whose time is earlier than the frame played before them.
    public private(set) var framesBehind = 0

    /// Opens every file (an unreadable one throws before anything is read).
    /// - Parameters:
    ///   - chunkSize: bytes per read and per open file.
    ///   - rawFrameTiming: how raw frames are timed; with more than one file they are always
    ///     timed by their events (the merge needs their times).
    ///   - sortingFilesUpTo: files of at most this many bytes are played in time order.
    public init(paths: [String], chunkSize: Int = RecordedFrameReader.defaultChunkSize,
                rawFrameTiming: RecordedFrameReader.RawFrameTiming = .eventTime,
                sortingFilesUpTo sortingLimit: Int = RecordedFrameReader.defaultSortingLimit) throws(RecordingError) {
        let timing = paths.count > 1 ? .eventTime : rawFrameTiming
        var readers: [RecordedFrameReader] = []
        for path in paths {
            readers.append(try RecordedFrameReader(path: path, chunkSize: chunkSize, rawFrameTiming: timing,
                                                   sortingFilesUpTo: sortingLimit))
        }
        self.readers = readers
    }

    /// The next frame, or nil when every file is played. The previous frame's bytes are invalid
    /// from this call on.
    public func next() throws(RecordingError) -> RecordedFrame? {
        if readers.count == 1 { return try track(readers[0].next()) }
        if heads.isEmpty {
            for reader in readers { heads.append(try reader.next()) }
        } else if let consumed {
            heads[consumed] = try readers[consumed].next()
        }
        var earliest: Int?
        for index in heads.indices {
            guard let head = heads[index] else { continue }
            if let best = earliest, let bestHead = heads[best], bestHead.receivedAt <= head.receivedAt { continue }
            earliest = index
        }
        consumed = earliest
        return track(earliest.flatMap { heads[$0] })
    }

    /// Every remaining frame, in play order.
    public func forEachFrame(_ body: (RecordedFrame) -> Void) throws(RecordingError) {
        while let frame = try next() { body(frame) }
    }

    private func track(_ frame: RecordedFrame?) -> RecordedFrame? {
        guard let frame else { return nil }
        if let lastTime, frame.receivedAt < lastTime { framesBehind += 1 }
        lastTime = frame.receivedAt
        return frame
    }
}
