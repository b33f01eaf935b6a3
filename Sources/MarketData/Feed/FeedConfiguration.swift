/// Where the live feed connects and how it keeps connections alive (the `feed:` section of
/// config/runtime.yaml; the environment variables `OKX_WS_PUBLIC_URL` and `OKX_WS_BUSINESS_URL` win).
public struct FeedConfiguration: Sendable, Hashable {
    public static let defaultPublicURL = "wss://ws.okx.com:8443/ws/v5/public"
    public static let defaultBusinessURL = "wss://ws.okx.com:8443/ws/v5/business"

    public var publicURL: String
    public var businessURL: String
    public var connection: FeedConnectionStateMachine.Configuration
    /// How often the connection state machine is ticked (keep-alive and reconnect timing resolution).
    public var tickIntervalNanoseconds: Int64
    /// Largest WebSocket frame accepted (a 400-level books snapshot is ~30 KB).
    public var maximumFrameBytes: Int
    /// Seed of the reconnect jitter (fixed for reproducible tests, random in production).
    public var jitterSeed: UInt64

    public init(publicURL: String = defaultPublicURL, businessURL: String = defaultBusinessURL,
                connection: FeedConnectionStateMachine.Configuration = .init(),
                tickIntervalNanoseconds: Int64 = 250_000_000, maximumFrameBytes: Int = 1 << 22,
                jitterSeed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.publicURL = publicURL
        self.businessURL = businessURL
        self.connection = connection
        self.tickIntervalNanoseconds = tickIntervalNanoseconds
        self.maximumFrameBytes = maximumFrameBytes
        self.jitterSeed = jitterSeed
    }

    /// The configuration from the `feed:` section's values (`public_url`, `business_url`,
    /// `ping_after_seconds`, `pong_timeout_seconds`, `initial_backoff_ms`, `max_backoff_ms`), with the
    /// environment overriding the URLs. Unknown keys are refused so a typo does not go unnoticed.
    public init(section: [String: String], environment: [String: String]) throws(FeedConfigurationError) {
        self.init()
        for (key, value) in section {
            func number() throws(FeedConfigurationError) -> Int64 {
                guard let number = Int64(value), number > 0 else { throw .invalidValue(key: key, value: value, reason: "expected a positive integer") }
                return number
            }
            switch key {
            case "public_url": publicURL = value
            case "business_url": businessURL = value
            case "ping_after_seconds":
                let seconds = try number()
                guard seconds < 30 else { throw .invalidValue(key: key, value: value, reason: "OKX drops connections silent for 30 s; use less") }
                connection.pingAfterSilenceNanoseconds = seconds * 1_000_000_000
            case "pong_timeout_seconds": connection.pongTimeoutNanoseconds = try number() * 1_000_000_000
            case "initial_backoff_ms": connection.initialBackoffNanoseconds = try number() * 1_000_000
            case "max_backoff_ms": connection.maximumBackoffNanoseconds = try number() * 1_000_000
            default: throw .unknownKey(key)
            }
        }
        if let url = environment["OKX_WS_PUBLIC_URL"], !url.isEmpty { publicURL = url }
        if let url = environment["OKX_WS_BUSINESS_URL"], !url.isEmpty { businessURL = url }
        for (key, url) in [("public_url", publicURL), ("business_url", businessURL)]
        where !(url.hasPrefix("wss://") || url.hasPrefix("ws://")) {
            throw .invalidValue(key: key, value: url, reason: "expected a ws:// or wss:// URL")
        }
    }

    /// The URL of an endpoint.
    public func url(for endpoint: OKXEndpointKind) -> String {
        endpoint == .public ? publicURL : businessURL
    }
}

/// Why the feed configuration was refused.
public enum FeedConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownKey(String)
    case invalidValue(key: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .unknownKey(let key):
            "unknown key 'feed.\(key)' (known: public_url, business_url, ping_after_seconds, pong_timeout_seconds, initial_backoff_ms, max_backoff_ms)"
        case .invalidValue(let key, let value, let reason):
            "feed.\(key) = '\(value)': \(reason)"
        }
    }
}
