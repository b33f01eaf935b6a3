/// How often and how long to wait before asking again after a failure that may pass (a 429, a 5xx,
/// a dropped connection, OKX's "system busy"): exponential backoff with jitter, bounded.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per request in all (the first one included).
    public var maximumAttempts: Int
    /// The first wait's ceiling; each further attempt doubles it.
    public var initialDelay: Duration
    /// No wait is longer than this.
    public var maximumDelay: Duration

    public init(maximumAttempts: Int = 8, initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(10)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed, or nil when
    /// no attempt is left. `random` in 0..<1 spreads the wait over its upper half ("equal jitter"):
    /// never immediate, and clients that failed together do not come back together.
    public func delay(after attempt: Int, random: Double) -> Duration? {
        guard attempt < maximumAttempts else { return nil }
        var ceiling = initialDelay
        for _ in 1..<max(1, attempt) where ceiling < maximumDelay { ceiling = ceiling * 2 }
        ceiling = min(ceiling, maximumDelay)
        let fraction = 0.5 + 0.5 * min(max(random, 0), 1)
        return ceiling * fraction
    }
}
