import TradingCore

/// Consecutive recorded frames, decoded: their market events in play order, each with its
/// frame's receive time, and what the frames held besides events. Handing this on gives the
/// same result as decoding the frames one by one where they are consumed.
public struct DecodedFrames: Sendable {
    /// The frames' market events, in play order.
    public var events: [MarketEvent] = []
    /// The receive time of each event's frame (same index as ``events``).
    public var receivedAt: [Timestamp] = []
    /// How many frames these are.
    public var frameCount = 0
    /// Frames that were acknowledgements, errors, notices or pongs.
    public var controlFrames = 0
    /// Frames on channels the runtime does not consume.
    public var unsupportedFrames = 0
    /// Why each frame that did not decode was dropped, in play order.
    public var failures: [OKXDecodeError] = []

    /// Empty, with room for `frames` frames of one event each.
    public init(reservingFrames frames: Int = 0) {
        events.reserveCapacity(frames)
        receivedAt.reserveCapacity(frames)
    }
}
