import TradingCore

/// One `system_metrics` row (category `data_quality`), as a value: the host's writer stores it.
///
/// Counts are deltas over the interval since the previous ``QualityControl/drainMetrics(at:)``,
/// so `sum(metric_value)` over any time range is the count in that range, across restarts.
/// Rows: per instrument with activity, `events_checked`, `events_accepted`, `events_flagged`,
/// `events_rejected` (tag `instrument`), and per reason `events_flagged` / `events_rejected`
/// with tags `instrument` and `reason`; `dedup_early_evictions` when non-zero.
public struct QualityMetric: Hashable, Sendable {
    /// Always `data_quality`.
    public static let category = "data_quality"

    /// The feed-clock time of the drain (`system_metrics.timestamp`).
    public var timestamp: Timestamp
    /// `system_metrics.metric_category`: always `data_quality`.
    public var category: String { Self.category }
    /// `system_metrics.metric_name`, e.g. `events_rejected`.
    public var name: String
    /// `system_metrics.metric_value`: the count over the interval.
    public var value: FixedPoint
    /// Always `count`.
    public var unit: String
    /// `instrument`, and `reason` for per-reason rows: the row's `tags` JSONB.
    public var tags: [String: String]

    /// Creates a row.
    public init(timestamp: Timestamp, name: String, value: FixedPoint, unit: String = "count", tags: [String: String]) {
        self.timestamp = timestamp
        self.name = name
        self.value = value
        self.unit = unit
        self.tags = tags
    }
}
