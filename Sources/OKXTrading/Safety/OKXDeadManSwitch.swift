import TradingCore

/// OKX's dead-man switch (`POST /api/v5/trade/cancel-all-after`): while armed, OKX cancels every
/// pending order if the switch is not refreshed within `timeOut` seconds. Refreshed while
/// connected; left to fire when the runtime loses OKX (that is its purpose); disarmed (`timeOut 0`)
/// on a clean shutdown. Cancels it caused show `cancelSource 20`. A pure value like the others.
public struct OKXDeadManSwitch: Sendable, Hashable {
    /// The request to send.
    public struct Request: Sendable, Hashable {
        /// `timeOut` in seconds; 0 disarms.
        public var timeoutSeconds: Int
        /// The REST path.
        public static let path = "/api/v5/trade/cancel-all-after"
        /// The JSON body (sign these exact bytes).
        public var body: String { OKXJSON.object([("timeOut", .string(String(timeoutSeconds)))]) }
    }

    /// OKX's `timeOut`, clamped to the 10–120 s it accepts.
    public let timeoutSeconds: Int
    /// When the last refresh was sent; nil while not armed.
    public private(set) var lastRefreshAt: Timestamp?

    public init(timeoutSeconds: Int = 60) {
        self.timeoutSeconds = min(120, max(10, timeoutSeconds))
    }

    /// Refresh at a third of the timeout: two refreshes may be lost before OKX fires.
    public var refreshIntervalNanoseconds: Int64 { Int64(timeoutSeconds) * 1_000_000_000 / 3 }

    /// Connected and ready to trade: arm now.
    public mutating func armed(at now: Timestamp) -> Request {
        lastRefreshAt = now
        return Request(timeoutSeconds: timeoutSeconds)
    }

    /// The refresh due at `now`, if any.
    public mutating func advance(to now: Timestamp) -> Request? {
        guard let last = lastRefreshAt, now.nanoseconds(since: last) >= refreshIntervalNanoseconds else { return nil }
        lastRefreshAt = now
        return Request(timeoutSeconds: timeoutSeconds)
    }

    /// Disconnected: stop refreshing. OKX cancels the orders if the runtime is not back in time.
    public mutating func disconnected() { lastRefreshAt = nil }

    /// Clean shutdown after our orders were canceled: disarm.
    public mutating func disarm() -> Request {
        lastRefreshAt = nil
        return Request(timeoutSeconds: 0)
    }
}
