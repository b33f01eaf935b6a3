import Foundation
import TradingCore

/// Appends received frames to a recording file in the ``FrameRecording`` format, buffered.
/// Thread-safe: the live feed calls it from its event loops.
public final class FrameRecorder: Sendable {
    private struct State {
        var handle: FileHandle
        var buffer: [UInt8] = []
        var frames = 0
    }

    public let path: String
    private let state: SynchronizedBox<State>
    private static let flushThreshold = 1 << 16

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(RecordingError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot create the file for writing")
        }
        self.state = SynchronizedBox(State(handle: handle))
    }

    /// Records one frame.
    public func record(_ frame: ReceivedFrame) {
        state.withLock { state in
            state.buffer.append(contentsOf: FrameRecording.line(for: frame).utf8)
            state.buffer.append(0x0A)
            state.frames += 1
            if state.buffer.count >= Self.flushThreshold { Self.flush(&state) }
        }
    }

    /// Frames recorded so far.
    public var frameCount: Int { state.withLock { $0.frames } }

    /// Writes everything buffered to the file.
    public func flush() {
        state.withLock { Self.flush(&$0) }
    }

    /// Flushes and closes the file.
    public func close() {
        state.withLock { state in
            Self.flush(&state)
            try? state.handle.close()
        }
    }

    private static func flush(_ state: inout State) {
        guard !state.buffer.isEmpty else { return }
        state.handle.write(Data(state.buffer))
        state.buffer.removeAll(keepingCapacity: true)
    }
}
