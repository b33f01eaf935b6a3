/// The thresholds that judge one instrument: the `quality:` section's defaults, with that
/// instrument's overrides (`quality.instruments.<instId>`) applied on top.
///
/// Durations are whole milliseconds in YAML and nanoseconds here (the unit of ``Timestamp``).
public struct QualityRules: Hashable, Sendable {
    /// Event time against the feed clock.
    public struct TimestampRules: Hashable, Sendable {
        /// Whether the future/stale checks run (`enabled`, default true).
        public var enabled: Bool
        /// How far ahead of the feed clock an event may be (`future_skew_ms`, default 2000 ms):
        /// exchange and local clocks differ by some milliseconds, and NTP steps happen.
        public var futureSkewNanoseconds: Int64
        /// How old an event may be (`max_age_ms`, default 30000 ms); a candle's age counts from its
        /// bar end, since the bar in progress legitimately started up to one interval ago.
        public var maxAgeNanoseconds: Int64

        /// The documented defaults, or the values given.
        public init(enabled: Bool = true, futureSkewNanoseconds: Int64 = 2_000_000_000, maxAgeNanoseconds: Int64 = 30_000_000_000) {
            self.enabled = enabled
            self.futureSkewNanoseconds = futureSkewNanoseconds
            self.maxAgeNanoseconds = maxAgeNanoseconds
        }
    }

    /// Price deviation from the last accepted price of the same stream, and when that reference resets.
    public struct PriceRules: Hashable, Sendable {
        /// Whether the deviation check runs (`enabled`, default true).
        public var enabled: Bool
        /// The largest accepted move from the reference, in parts per million
        /// (`max_deviation_pct`, default 5 %, i.e. 50000 ppm). A move of exactly the limit is accepted.
        public var maxDeviationPartsPerMillion: Int64
        /// A reference older than this (on the feed clock) no longer judges anything
        /// (`reference_max_age_ms`, default 300000 ms = 5 min): the next price is accepted,
        /// flagged `reference_reset`, and becomes the reference.
        public var referenceMaxAgeNanoseconds: Int64
        /// After this many consecutive refused prices that agree with each other (each within
        /// the deviation limit of the one before), the last of them becomes the reference
        /// (`reanchor_after`, default 3, at least 2): a genuine move is not locked out.
        public var reanchorAfter: Int

        /// The documented defaults, or the values given.
        public init(enabled: Bool = true, maxDeviationPartsPerMillion: Int64 = 50_000,
                    referenceMaxAgeNanoseconds: Int64 = 300_000_000_000, reanchorAfter: Int = 3) {
            self.enabled = enabled
            self.maxDeviationPartsPerMillion = maxDeviationPartsPerMillion
            self.referenceMaxAgeNanoseconds = referenceMaxAgeNanoseconds
            self.reanchorAfter = reanchorAfter
        }

        /// The limit as a percentage, for messages and metrics.
        public var maxDeviationPercent: Double { Double(maxDeviationPartsPerMillion) / 10_000 }
    }

    /// What an outlier does.
    public enum OutlierAction: String, Hashable, Sendable, CaseIterable {
        /// The check does not run.
        case off
        /// Accept, counted as a `zscore_outlier` flag.
        case flag
        /// Refuse (counts towards re-anchoring, like a deviation).
        case reject
    }

    /// The rolling z-score of step returns.
    ///
    /// The statistic is the step return `r = (price - reference) / reference` against the mean
    /// and standard deviation of the last `window` accepted step returns of the same stream.
    /// Returns rather than price levels: a z-score of levels flags every trend (a steady climb
    /// leaves the window's mean behind), while a return z-score flags only a jump that is unusual
    /// for how this stream has been moving.
    public struct ZScoreRules: Hashable, Sendable {
        /// `action`: off, flag (default) or reject.
        public var action: OutlierAction
        /// How many recent step returns the statistics cover (`window`, default 200).
        public var window: Int
        /// The largest accepted |z| (`threshold`, default 6). Exactly the threshold is accepted.
        public var threshold: Double
        /// No judgement until the window holds this many returns (`min_samples`, default 50).
        public var minSamples: Int
        /// A floor under the standard deviation, in basis points of return (`min_sigma_bps`,
        /// default 5): a stream that printed the same price 50 times has sigma 0, and the next
        /// one-tick move must not count as infinitely unusual.
        public var minSigmaBasisPoints: Double

        /// The documented defaults, or the values given.
        public init(action: OutlierAction = .flag, window: Int = 200, threshold: Double = 6, minSamples: Int = 50,
                    minSigmaBasisPoints: Double = 5) {
            self.action = action
            self.window = window
            self.threshold = threshold
            self.minSamples = minSamples
            self.minSigmaBasisPoints = minSigmaBasisPoints
        }
    }

    /// Duplicate trade ids, remembered per instrument within a window bounded by count and by time.
    public struct DedupRules: Hashable, Sendable {
        /// Whether duplicate detection runs (`enabled`, default true).
        public var enabled: Bool
        /// The most trade ids remembered per instrument (`capacity`, default 16384). Storage grows
        /// on demand up to this and never beyond, however long the run.
        public var capacity: Int
        /// Ids of trades older than this (event time against the feed clock) are forgotten
        /// (`window_ms`, default 60000). It must be at least `timestamp.max_age_ms`: then a
        /// duplicate of a forgotten trade is older than the max age and refused as stale anyway.
        public var windowNanoseconds: Int64

        /// The documented defaults, or the values given.
        public init(enabled: Bool = true, capacity: Int = 16_384, windowNanoseconds: Int64 = 60_000_000_000) {
            self.enabled = enabled
            self.capacity = capacity
            self.windowNanoseconds = windowNanoseconds
        }
    }

    /// Order-book sanity.
    public struct BookRules: Hashable, Sendable {
        /// What a crossed or locked book does (`crossed_action`: reject (default) or flag).
        /// A ticker's crossed best bid/ask is always only flagged: its last price is still good.
        public var crossedAction: OutlierAction

        /// The documented defaults, or the values given.
        public init(crossedAction: OutlierAction = .reject) {
            self.crossedAction = crossedAction
        }
    }

    /// Bursts of rejections on one instrument, which raise a ``QualityAlert``.
    public struct BurstRules: Hashable, Sendable {
        /// Whether bursts raise alerts (`enabled`, default true).
        public var enabled: Bool
        /// This many rejections ... (`rejections`, default 10)
        public var rejections: Int
        /// ... within this time on the feed clock make a burst (`window_ms`, default 10000).
        public var windowNanoseconds: Int64
        /// After an alert, the instrument raises no other for this long (`cooldown_ms`, default 60000).
        public var cooldownNanoseconds: Int64

        /// The documented defaults, or the values given.
        public init(enabled: Bool = true, rejections: Int = 10, windowNanoseconds: Int64 = 10_000_000_000,
                    cooldownNanoseconds: Int64 = 60_000_000_000) {
            self.enabled = enabled
            self.rejections = rejections
            self.windowNanoseconds = windowNanoseconds
            self.cooldownNanoseconds = cooldownNanoseconds
        }
    }

    /// `timestamp:`
    public var timestamp: TimestampRules
    /// `price:`
    public var price: PriceRules
    /// `zscore:`
    public var zScore: ZScoreRules
    /// `dedup:`
    public var dedup: DedupRules
    /// `book:`
    public var book: BookRules
    /// `burst:`
    public var burst: BurstRules

    /// The documented defaults, or the sections given.
    public init(timestamp: TimestampRules = .init(), price: PriceRules = .init(), zScore: ZScoreRules = .init(),
                dedup: DedupRules = .init(), book: BookRules = .init(), burst: BurstRules = .init()) {
        self.timestamp = timestamp
        self.price = price
        self.zScore = zScore
        self.dedup = dedup
        self.book = book
        self.burst = burst
    }

    /// The documented defaults (also written out in config/runtime.yaml).
    public static let standard = QualityRules()
}
