import TradingCore

/// All of OKX's rate limits the venue must respect, as one value driven by the caller's clock.
///
/// A place or amend takes a token from its per-instrument bucket *and* from the sub-account's
/// order bucket; both are checked before either is taken, so a refused request costs nothing.
/// Each bucket gets ``budgetFraction`` of OKX's limit (half by default: see ``OKXTokenBucket``).
public struct OKXRateBuckets: Sendable, Hashable {
    /// A bucket's identity: the limit, and the instrument for per-instrument limits.
    public struct Key: Sendable, Hashable {
        public var limit: OKXRateLimit
        public var instrument: InstrumentId?
    }

    /// The answer to "may this request go now?".
    public enum Decision: Sendable, Hashable {
        /// Go: the tokens were taken.
        case granted
        /// Not before this time; nothing was taken.
        case wait(until: Timestamp)
    }

    /// The share of OKX's published limit each bucket uses.
    public let budgetFraction: Double
    private var buckets: [Key: OKXTokenBucket] = [:]

    public init(budgetFraction: Double = 0.5) {
        self.budgetFraction = min(1, max(0.05, budgetFraction))
    }

    /// Takes the tokens a request of kind `limit` on `instrument` needs, or says when to retry.
    public mutating func acquire(_ limit: OKXRateLimit, instrument: InstrumentId?, at now: Timestamp) -> Decision {
        let keys = keys(for: limit, instrument: instrument)
        let earliest = keys.map { bucket(for: $0).earliest(at: now) }.max() ?? now
        guard earliest <= now else { return .wait(until: earliest) }
        for key in keys {
            var bucket = bucket(for: key)
            bucket.take(at: now)
            buckets[key] = bucket
        }
        return .granted
    }

    /// OKX refused a request of kind `limit` for its rate: pause that bucket (and, for orders, the
    /// account's order bucket when the refusal was the account's, `50061`) until `until`.
    public mutating func pause(_ limit: OKXRateLimit, instrument: InstrumentId?, until: Timestamp) {
        let key = Key(limit: limit, instrument: limit.isPerInstrument ? instrument : nil)
        var bucket = bucket(for: key)
        bucket.pause(until: until)
        buckets[key] = bucket
    }

    private func keys(for limit: OKXRateLimit, instrument: InstrumentId?) -> [Key] {
        var keys = [Key(limit: limit, instrument: limit.isPerInstrument ? instrument : nil)]
        if limit == .place || limit == .amend { keys.append(Key(limit: .accountOrders, instrument: nil)) }
        return keys
    }

    private func bucket(for key: Key) -> OKXTokenBucket { buckets[key] ?? makeBucket(key.limit) }

    private func makeBucket(_ limit: OKXRateLimit) -> OKXTokenBucket {
        let capacity = max(1, Int((Double(limit.okxCapacity) * budgetFraction).rounded(.down)))
        return OKXTokenBucket(capacity: capacity, windowNanoseconds: limit.windowNanoseconds)
    }
}
