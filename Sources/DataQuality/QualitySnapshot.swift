import TradingCore

/// The data-quality state for `runtime status`: counters per instrument since the start.
public struct QualitySnapshot: Hashable, Sendable {
    /// One instrument's counters and dedup window.
    public struct InstrumentEntry: Hashable, Sendable {
        /// The instrument.
        public var instrument: InstrumentId
        /// Its verdict counts since the start.
        public var counters: QualityCounters
        /// Trade ids remembered now, and the configured bound.
        public var dedupEntries: Int
        /// The configured bound (`dedup.capacity`).
        public var dedupCapacity: Int
        /// Ids forgotten by count while still inside the time window (capacity too small).
        public var dedupEarlyEvictions: UInt64
        /// The last rejection's reason and feed-clock time, if any.
        public var lastRejection: QualityReason?
        /// When the last rejection happened (feed clock).
        public var lastRejectionAt: Timestamp?
    }

    /// The feed-clock time of the snapshot.
    public var takenAt: Timestamp
    /// By instrument id, ascending.
    public var instruments: [InstrumentEntry]
    /// Alerts raised since the start.
    public var alertsRaised: UInt64

    /// All instruments' counts added up.
    public var totals: (checked: UInt64, accepted: UInt64, flagged: UInt64, rejected: UInt64) {
        instruments.reduce((0, 0, 0, 0)) { sum, entry in
            (sum.0 + entry.counters.checked, sum.1 + entry.counters.accepted, sum.2 + entry.counters.flagged, sum.3 + entry.counters.rejected)
        }
    }
}
