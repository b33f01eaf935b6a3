import TradingCore

/// A feed that plays recorded frames through the same codec as the live feed, on event time.
///
/// By default it runs as fast as the consumer takes events (for deterministic backtests); with
/// `speed` it sleeps between frames so that event time passes `speed` times faster than wall time.
/// The same files always give the same event sequence.
///
/// It holds every frame in memory (and sorts them): for tests and small inputs. `runtime replay`
/// streams files through ``RecordedFrameStream`` instead, in bounded memory.
public final class ReplayFeed: MarketDataFeed {
    public let isSynthetic: Bool
    public let label: String
    private let frames: [ReceivedFrame]
    private let speed: Double?

    /// - Parameters:
    ///   - frames: frames in the order to play them (see ``RecordedFrames/load(paths:)``).
    ///   - speed: nil for as fast as possible, otherwise the event-time to wall-time ratio.
    public init(frames: [ReceivedFrame], label: String = "replay", speed: Double? = nil, isSynthetic: Bool = false) {
        self.frames = frames
        self.label = label
        self.speed = speed
        self.isSynthetic = isSynthetic
    }

    /// A replay of recording (or raw-frame) files, loaded whole (see ``RecordedFrames/load(paths:)``).
    public convenience init(paths: [String], speed: Double? = nil) throws(RecordingError) {
        self.init(frames: try RecordedFrames.load(paths: paths), label: "replay(\(paths.joined(separator: ",")))", speed: speed)
    }

    /// Every event of the replay, synchronously (what a deterministic backtest loop wants).
    public func allEvents() -> [FeedEvent] {
        var decoder = FrameDecoder()
        var events: [FeedEvent] = []
        for frame in frames {
            decoder.decode(frame) { events.append($0) }
        }
        return events
    }

    public func events() -> AsyncStream<FeedEvent> {
        let frames = self.frames
        let speed = self.speed
        return AsyncStream { continuation in
            let task = Task {
                var decoder = FrameDecoder()
                var pacer = speed.map(ReplayPacer.init)
                for frame in frames {
                    if Task.isCancelled { break }
                    if let delay = pacer?.delay(before: frame.receivedAt), delay > .zero { try? await Task.sleep(for: delay) }
                    decoder.decode(frame) { continuation.yield($0) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
