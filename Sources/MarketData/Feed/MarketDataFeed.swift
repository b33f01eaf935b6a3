import TradingCore

/// One raw text frame and when it was received (or, in replay, when it was recorded as received).
public struct ReceivedFrame: Sendable, Hashable {
    public var text: String
    public var receivedAt: Timestamp
    /// The endpoint it came from (nil when unknown, e.g. a plain fixture file).
    public var endpoint: OKXEndpointKind?

    public init(text: String, receivedAt: Timestamp, endpoint: OKXEndpointKind? = nil) {
        self.text = text
        self.receivedAt = receivedAt
        self.endpoint = endpoint
    }
}

/// What a feed delivers, in arrival order.
public enum FeedEvent: Sendable, Hashable {
    /// A validated, de-duplicated market event and its receive time.
    case market(MarketEvent, receivedAt: Timestamp)
    /// A connection changed state (live feeds only).
    case connection(OKXEndpointKind, FeedConnectionEvent)
    /// OKX reported an error or notice (`code`, `msg`).
    case exchangeMessage(OKXEndpointKind, OKXControlMessage)
    /// A frame could not be decoded; it was skipped.
    case decodeFailure(OKXDecodeError, frame: String)
}

/// Where market data comes from: the live OKX feed, a recording, or the synthetic generator.
/// The host consumes every kind the same way.
public protocol MarketDataFeed: Sendable {
    /// Whether the data is made up (the synthetic feed). Logs and reports must say so.
    var isSynthetic: Bool { get }
    /// A short description for logs, e.g. `okx-live`, `replay(file.jsonl)`, `SYNTHETIC(seed 42)`.
    var label: String { get }
    /// The events, in order. Iterate once.
    func events() -> AsyncStream<FeedEvent>
}
