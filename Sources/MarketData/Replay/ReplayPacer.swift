import TradingCore

/// How long a paced replay waits before each frame so that event time passes `speed` times faster
/// than wall time. A pure value: the replay sleeps for what it says.
///
/// It follows the latest time played. A frame stamped earlier than the frames before it plays at
/// once, and the frame after it does not wait again for the time it went back: raw frames are
/// timed by their events, and OKX stamps a candle push with its bar's open time, up to a minute
/// before the trades around it (pacing on each frame's own time stalled such replays).
public struct ReplayPacer: Sendable {
    /// Event time over wall time (10 plays ten seconds of events per second).
    public let speed: Double
    private var latest: Timestamp?

    /// A pacer at `speed` (positive) times event time.
    public init(speed: Double) {
        self.speed = speed
    }

    /// The wait before playing a frame of time `time` (zero for none); the frame counts as played.
    public mutating func delay(before time: Timestamp) -> Duration {
        defer { latest = max(latest ?? time, time) }
        guard let latest, time > latest, speed > 0 else { return .zero }
        return .nanoseconds(Int64(Double(time.nanoseconds(since: latest)) / speed))
    }
}
