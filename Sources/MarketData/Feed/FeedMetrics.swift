import TradingCore

/// What a feed connection reports about itself (a snapshot value).
public struct FeedMetrics: Sendable, Hashable {
    public var endpoint: OKXEndpointKind
    public var isConnected = false
    /// Whether every wanted subscription is acknowledged on the live connection.
    public var isFullySubscribed = false
    public var reconnects = 0
    public var framesReceived = 0
    public var marketEvents = 0
    public var decodeErrors = 0
    public var unsupportedFrames = 0
    public var duplicateTradesDropped = 0
    public var pingsSent = 0
    /// Frames received in the last complete second.
    public var framesPerSecond = 0
    /// Receive time minus exchange time of the last trade/ticker/book event, and the largest seen.
    public var lastLagNanoseconds: Int64 = 0
    public var maximumLagNanoseconds: Int64 = 0
    /// Last error event OKX sent (`code: msg`), if any.
    public var lastExchangeError: String?

    public init(endpoint: OKXEndpointKind) {
        self.endpoint = endpoint
    }

    private var rateWindowStart: Int64 = 0
    private var rateWindowCount = 0

    /// Counts one frame for the per-second rate.
    mutating func countFrame(at now: Timestamp) {
        framesReceived += 1
        let second = now.nanosecondsSinceEpoch / 1_000_000_000
        if second != rateWindowStart {
            framesPerSecond = second == rateWindowStart + 1 ? rateWindowCount : 0
            rateWindowStart = second
            rateWindowCount = 0
        }
        rateWindowCount += 1
    }

    mutating func recordLag(exchangeTime: Timestamp, receivedAt: Timestamp) {
        let lag = receivedAt.nanoseconds(since: exchangeTime)
        lastLagNanoseconds = lag
        maximumLagNanoseconds = max(maximumLagNanoseconds, lag)
    }
}
