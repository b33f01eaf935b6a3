/// Detects `rejections` rejections within `window` on one instrument, with a cooldown between
/// alerts. Keeps only the last `rejections` times and reasons: fixed memory.
struct BurstDetector {
    private var times: [Int64] = []
    private var reasons: [QualityReason] = []
    private var next = 0
    private var count = 0
    private var lastAlert: Int64?

    /// A burst that just completed: how many rejections, from when to when, and why (most often).
    struct Burst {
        var rejections: Int
        var first: Int64
        var last: Int64
        var dominantReason: QualityReason
    }

    /// Records a rejection at feed-clock time `now` and returns the burst it completes, if any.
    mutating func record(_ reason: QualityReason, now: Int64, rules: QualityRules.BurstRules) -> Burst? {
        let size = rules.rejections
        if times.count != size {
            times = [Int64](repeating: 0, count: size)
            reasons = [QualityReason](repeating: reason, count: size)
            next = 0
            count = 0
        }
        times[next] = now
        reasons[next] = reason
        next = next + 1 == size ? 0 : next + 1
        count = min(count + 1, size)
        guard count == size else { return nil }
        // With the ring full, `next` is the oldest of the last `size` rejections.
        let oldest = times[next]
        guard now &- oldest <= rules.windowNanoseconds else { return nil }
        if let lastAlert, (now &- lastAlert).magnitude < UInt64(rules.cooldownNanoseconds) { return nil }
        lastAlert = now
        var tally = [Int](repeating: 0, count: QualityReason.allCases.count)
        for reason in reasons { tally[reason.index] += 1 }
        let dominant = QualityReason.allCases.max { tally[$0.index] < tally[$1.index] } ?? reason
        return Burst(rejections: size, first: oldest, last: now, dominantReason: dominant)
    }
}
