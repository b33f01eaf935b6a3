import NIOCore

/// What an ``OKXTestServer`` serves and how it misbehaves.
///
/// Frames are raw OKX push texts (fixture lines). Each belongs to the channel its `arg` names
/// (`channel` + `instId`); the server sends a channel's frames, in file order, to a connection that has
/// subscribed that channel, interleaving channels in the order the frames appear in `frames`. Frames that
/// name no channel (events, `pong`) are never served.
///
/// Misbehaviour is scripted on the running count of frames served (over all connections):
/// `dropConnectionAfter: [10, 30]` closes the serving connection abruptly (TCP close, no WebSocket close
/// frame) right after the 10th and the 30th frame; `goSilentAfter: [20]` makes the serving connection go
/// quiet after the 20th frame (no more frames, no `pong`, socket left open) until the client gives up on it.
public struct OKXTestScript: Sendable {
    /// The push frames to serve, as raw text.
    public var frames: [String]
    /// Pause between two frames on one connection.
    public var interval: TimeAmount
    /// Frame counts after which the serving connection is dropped.
    public var dropConnectionAfter: [Int]
    /// Frame counts after which the serving connection goes silent.
    public var goSilentAfter: [Int]
    /// When a channel is subscribed again (after a reconnect), this many of its frames already served are
    /// served again, like a real feed that repeats recent trades: consumers must remove the duplicates.
    public var repeatOnResubscribe: Int

    public init(frames: [String], interval: TimeAmount = .milliseconds(2), dropConnectionAfter: [Int] = [],
                goSilentAfter: [Int] = [], repeatOnResubscribe: Int = 0) {
        self.frames = frames
        self.interval = interval
        self.dropConnectionAfter = dropConnectionAfter
        self.goSilentAfter = goSilentAfter
        self.repeatOnResubscribe = repeatOnResubscribe
    }
}

/// A channel and instrument as the server keys its frames (`arg.channel`, `arg.instId`).
public struct OKXTestChannel: Sendable, Hashable, CustomStringConvertible {
    public var channel: String
    public var instId: String

    public init(channel: String, instId: String) {
        self.channel = channel
        self.instId = instId
    }

    public var description: String { "\(channel):\(instId)" }
}

/// Counters a test can check after (or while) the server runs.
public struct OKXTestServerStatistics: Sendable, Hashable {
    /// WebSocket connections accepted (after the upgrade).
    public var connectionsAccepted = 0
    /// Connections the script dropped.
    public var connectionsDropped = 0
    /// Times a connection went silent.
    public var silences = 0
    /// `subscribe` arguments acknowledged, over all connections.
    public var subscriptionsAcknowledged = 0
    /// `unsubscribe` arguments acknowledged.
    public var unsubscriptionsAcknowledged = 0
    /// `ping` texts answered with `pong`.
    public var pingsAnswered = 0
    /// Push frames sent (repeats included).
    public var framesServed = 0
    /// Channels subscribed on the connections open right now.
    public var liveSubscriptions: Set<OKXTestChannel> = []
    /// Whether every frame of every channel has been served at least once.
    public var allFramesServed = false
    /// Text the clients sent that was neither `ping` nor a valid request.
    public var rejectedRequests: [String] = []
}
