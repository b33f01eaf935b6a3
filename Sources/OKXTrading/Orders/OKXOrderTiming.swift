/// The timing rules of order requests, in milliseconds of the venue clock (the host clock
/// corrected by the offset measured against `GET /public/time`).
public struct OKXOrderTiming: Sendable, Hashable {
    /// `expTime` = send time + this: OKX discards a place or amend it has not processed by then.
    public var expiryMilliseconds: Int64
    /// No answer within this long after the request was written: the order is in doubt.
    public var acknowledgementTimeoutMilliseconds: Int64
    /// Margin for clock error: "not found" counts as "not placed" only this long after `expTime`.
    public var clockSkewMilliseconds: Int64
    /// Wait between lookups of an in-doubt order (and after a failed lookup).
    public var lookupIntervalMilliseconds: Int64
    /// Pause after a rate-limit refusal before the same request is sent again.
    public var rateLimitPauseMilliseconds: Int64

    public init(expiryMilliseconds: Int64 = 5_000, acknowledgementTimeoutMilliseconds: Int64 = 10_000,
                clockSkewMilliseconds: Int64 = 2_000, lookupIntervalMilliseconds: Int64 = 1_000,
                rateLimitPauseMilliseconds: Int64 = 2_000) {
        self.expiryMilliseconds = max(1, expiryMilliseconds)
        // An ack timeout shorter than the expiry would call orders in doubt that OKX may still process.
        self.acknowledgementTimeoutMilliseconds = max(acknowledgementTimeoutMilliseconds, 1)
        self.clockSkewMilliseconds = max(0, clockSkewMilliseconds)
        self.lookupIntervalMilliseconds = max(1, lookupIntervalMilliseconds)
        self.rateLimitPauseMilliseconds = max(1, rateLimitPauseMilliseconds)
    }
}
