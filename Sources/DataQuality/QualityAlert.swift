import TradingCore

/// A burst of rejections on one instrument: the risk engine turns it into a `risk_events` row of
/// type `data_quality` and pauses the strategies trading that instrument.
public struct QualityAlert: Hashable, Sendable, CustomStringConvertible {
    /// The instrument whose strategies should pause.
    public var instrument: InstrumentId
    /// The feed-clock time of the rejection that completed the burst.
    public var raisedAt: Timestamp
    /// The feed-clock time of the first rejection in the burst.
    public var firstRejectionAt: Timestamp
    /// How many rejections made the burst (`burst.rejections`): the risk event's metric value.
    public var rejections: Int
    /// The configured burst size, for the risk event's threshold value.
    public var threshold: Int
    /// The configured window, nanoseconds.
    public var windowNanoseconds: Int64
    /// The most frequent reason among the burst's rejections.
    public var dominantReason: QualityReason

    /// Creates an alert (QualityControl does; tests and the risk engine may too).
    public init(instrument: InstrumentId, raisedAt: Timestamp, firstRejectionAt: Timestamp, rejections: Int, threshold: Int,
                windowNanoseconds: Int64, dominantReason: QualityReason) {
        self.instrument = instrument
        self.raisedAt = raisedAt
        self.firstRejectionAt = firstRejectionAt
        self.rejections = rejections
        self.threshold = threshold
        self.windowNanoseconds = windowNanoseconds
        self.dominantReason = dominantReason
    }

    /// The metric name for the risk event (`risk_events.metric_name`).
    public static let metricName = "data_quality_rejections"

    public var description: String {
        let spanMilliseconds = raisedAt.nanoseconds(since: firstRejectionAt) / 1_000_000
        return "\(instrument): \(rejections) market-data rejections in \(spanMilliseconds) ms "
            + "(limit \(threshold) in \(windowNanoseconds / 1_000_000) ms), mostly \(dominantReason.rawValue)"
    }
}
