/// OKX's public rate limit for one endpoint, e.g. `history-candles`: 20 requests per 2 seconds.
///
/// Kept as the times of the last `limit` requests (a sliding window), not as a token bucket: a
/// bucket that holds 20 tokens and refills 10 a second lets 21 or more requests into some 2-second
/// window (a full burst, then the refill), which is what OKX counts and answers 429 to. Here the
/// next request waits until the `limit`-th request before it has left the window. A value type
/// with no clock of its own: times are durations on any monotonic clock the caller chooses.
public struct RequestBudget: Sendable, Hashable {
    /// Requests allowed per window.
    public let limit: Int
    /// The window, with a margin for the server seeing our requests a little later or earlier
    /// than we sent them.
    public let window: Duration
    /// Send times of the most recent requests (their answer times once answered), oldest first
    /// (at most `limit`).
    private var sent: [Duration] = []

    /// OKX's limit for `history-candles` and `history-trades` (20 requests / 2 s per IP), with a
    /// 100 ms margin.
    public static let okxHistory = RequestBudget(limit: 20, window: .milliseconds(2_100))

    public init(limit: Int, window: Duration) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Reserves the next request's slot and returns when it may be sent (`now` or later).
    public mutating func reserve(at now: Duration) -> Duration {
        var at = now
        if sent.count >= limit { at = max(now, sent[sent.count - limit] + window) }
        sent.append(at)
        if sent.count > limit { sent.removeFirst(sent.count - limit) }
        return at
    }

    /// The reserved request was answered (or failed) at `now`. OKX counts a request when it
    /// arrives, which is after we sent it and no later than its answer: keeping the answer time
    /// (not the send time) means a request that reached the server late can never share a
    /// window with the `limit`-th request after it, whatever the delay.
    public mutating func answered(at now: Duration) {
        guard let last = sent.indices.last else { return }
        sent[last] = max(sent[last], now)
    }

    /// After a 429, whatever our count says, OKX's window is full as of `now`: the next requests
    /// wait a whole window.
    public mutating func exhausted(at now: Duration) {
        sent = Array(repeating: now, count: limit)
    }
}
