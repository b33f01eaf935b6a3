/// Why an event was flagged or rejected. The raw value is the stable snake_case code written to
/// `system_metrics.tags.reason` and shown by `runtime status`.
public enum QualityReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The event's exchange time is ahead of the feed clock by more than `timestamp.future_skew_ms`.
    case futureTimestamp = "future_timestamp"
    /// The event is older than `timestamp.max_age_ms` on the feed clock (for a candle: its bar end).
    case staleTimestamp = "stale_timestamp"
    /// The price moved more than `price.max_deviation_pct` from the last accepted price of its stream.
    case priceDeviation = "price_deviation"
    /// A trade id already seen on the instrument within the dedup window.
    case duplicate = "duplicate"
    /// The step return is more than `zscore.threshold` standard deviations from the rolling mean.
    case zScoreOutlier = "zscore_outlier"
    /// A candle whose high, low, open and close contradict each other, or whose volume is negative.
    case candleInconsistent = "candle_inconsistent"
    /// Best bid at or above best ask (crossed or locked).
    case crossedBook = "crossed_book"
    /// A price of zero or below.
    case nonPositivePrice = "non_positive_price"
    /// A trade size, or a book snapshot level size, of zero or below.
    case nonPositiveSize = "non_positive_size"
    /// Accepted without judging the price: the stream's reference was reset (after a feed
    /// discontinuity, or because it had gone stale); this price is the new reference.
    case referenceReset = "reference_reset"
    /// Accepted after `price.reanchor_after` consecutive, mutually consistent prices were refused:
    /// the market really moved, so this price becomes the new reference.
    case reanchored = "reference_reanchored"

    /// A dense index for per-reason counter arrays.
    var index: Int {
        switch self {
        case .futureTimestamp: 0
        case .staleTimestamp: 1
        case .priceDeviation: 2
        case .duplicate: 3
        case .zScoreOutlier: 4
        case .candleInconsistent: 5
        case .crossedBook: 6
        case .nonPositivePrice: 7
        case .nonPositiveSize: 8
        case .referenceReset: 9
        case .reanchored: 10
        }
    }
}
