import TradingCore

/// One rate limit ("`capacity` requests per `window`") as a pure value driven by the caller's clock.
///
/// Implemented as a generic cell-rate algorithm (a token bucket with integer state): requests are
/// spaced `window / capacity` apart on average with bursts of up to `capacity`. OKX counts requests
/// in fixed 2-second windows, and a window can catch a full burst plus the steady flow after it:
/// at most `2 × capacity − 1` requests. ``OKXRateBuckets`` therefore gives each bucket half of
/// OKX's limit, so no fixed window ever sees more than the limit minus one.
public struct OKXTokenBucket: Sendable, Hashable {
    /// Requests allowed per window.
    public let capacity: Int
    /// The window, in nanoseconds.
    public let windowNanoseconds: Int64
    /// When the bucket is next empty of debt: the "theoretical arrival time" of the algorithm.
    private var theoreticalArrival: Int64 = .min
    /// No request before this time (after OKX said "too many requests").
    public private(set) var pausedUntil: Timestamp?

    /// A bucket of `capacity` requests per `windowNanoseconds` (both at least 1).
    public init(capacity: Int, windowNanoseconds: Int64) {
        self.capacity = max(1, capacity)
        self.windowNanoseconds = max(1, windowNanoseconds)
    }

    private var interval: Int64 { windowNanoseconds / Int64(capacity) }

    /// The earliest time a request may go, `now` if it may go now.
    public func earliest(at now: Timestamp) -> Timestamp {
        let start = max(now.nanosecondsSinceEpoch, pausedUntil?.nanosecondsSinceEpoch ?? .min)
        // Burst tolerance: a full bucket lets `capacity` requests through back to back.
        let allowedFrom = theoreticalArrival == .min ? start : theoreticalArrival - Int64(capacity - 1) * interval
        return Timestamp(nanosecondsSinceEpoch: max(start, allowedFrom))
    }

    /// Whether a request may go at `now`.
    public func allows(at now: Timestamp) -> Bool { earliest(at: now) <= now }

    /// Counts one request sent at `now` (call only when ``allows(at:)``, or to record a request that
    /// went anyway: the debt then delays later ones).
    public mutating func take(at now: Timestamp) {
        let base = theoreticalArrival == .min ? now.nanosecondsSinceEpoch : max(theoreticalArrival, now.nanosecondsSinceEpoch)
        theoreticalArrival = base &+ interval
    }

    /// OKX refused a request for its rate (`50011`, 429): nothing more until `until`.
    public mutating func pause(until: Timestamp) {
        pausedUntil = max(pausedUntil ?? until, until)
    }
}
