import Foundation
import PostgresNIO
import TradingCore

/// The sum of one metric over a period, per instrument and reason tag (for counters such as the
/// data-quality checks, which the host writes as per-interval counts).
public struct MetricTotal: Sendable, Hashable {
    /// The metric's name, e.g. `events_rejected`.
    public var name: String
    /// The `instrument` tag, nil when the rows had none.
    public var instrument: String?
    /// The `reason` tag, nil when the rows had none.
    public var reason: String?
    /// The sum of metric_value over the period.
    public var total: FixedPoint
}

/// Reads and writes single `system_metrics` rows (the host writes its own in bulk through
/// `MarketDataWriter`); the reads serve `runtime status`.
public struct SystemMetricRepository: Sendable {
    let session: any DatabaseSession
    static let table = "system_metrics"

    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts one metric row, validated first.
    public func insert(_ metric: SystemMetricRecord) async throws(StorageError) {
        try MarketDataRow.metric(metric).validate()
        try await session.execute("insert system metric \(metric.category)/\(metric.name)", """
            INSERT INTO system_metrics (timestamp, metric_category, metric_name, metric_value, unit, tags)
            VALUES (TIMESTAMPTZ 'epoch' + \(SQLValues.micros(metric.timestamp)) * INTERVAL '1 microsecond', \(metric.category),
                    \(metric.name), \(metric.value.description)::numeric, \(metric.unit), \(metric.tags)::jsonb)
            """)
    }

    /// The newest row of each (name, tags) of one category, by name then tags. With
    /// `since`, only rows at or after it are considered (so a long-stopped host's figures drop out).
    public func latest(category: String, since: Timestamp? = nil) async throws(StorageError) -> [SystemMetricRecord] {
        let t = Self.table
        let rows = try await session.rows("read latest \(category) metrics", """
            SELECT DISTINCT ON (metric_name, tags) (extract(epoch FROM timestamp) * 1000000)::int8 AS ts_us, metric_category,
                metric_name, metric_value::text AS metric_value, unit, tags::text AS tags
            FROM system_metrics
            WHERE metric_category = \(category)
              AND (\(since.map(SQLValues.micros))::int8 IS NULL
                   OR timestamp >= TIMESTAMPTZ 'epoch' + \(since.map(SQLValues.micros)) * INTERVAL '1 microsecond')
            ORDER BY metric_name, tags, timestamp DESC
            """)
        return try rows.map { row throws(StorageError) in
            SystemMetricRecord(timestamp: SQLValues.timestamp(micros: try row.value("ts_us", table: t)),
                               category: try row.value("metric_category", table: t), name: try row.value("metric_name", table: t),
                               value: try SQLValues.fixedPoint(try row.value("metric_value", table: t), table: t, column: "metric_value"),
                               unit: try row.value("unit", table: t), tags: try row.value("tags", table: t))
        }
    }

    /// Sums of each metric of one category over [from, to), per `instrument` and `reason` tag,
    /// by name, instrument and reason.
    public func totals(category: String, from: Timestamp, to: Timestamp) async throws(StorageError) -> [MetricTotal] {
        let t = Self.table
        let rows = try await session.rows("sum \(category) metrics", """
            SELECT metric_name, tags->>'instrument' AS instrument, tags->>'reason' AS reason, sum(metric_value)::text AS total
            FROM system_metrics
            WHERE metric_category = \(category)
              AND timestamp >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND timestamp <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            GROUP BY 1, 2, 3
            ORDER BY 2 NULLS FIRST, 1, 3 NULLS FIRST
            """)
        return try rows.map { row throws(StorageError) in
            MetricTotal(name: try row.value("metric_name", table: t), instrument: try row.value("instrument", table: t),
                        reason: try row.value("reason", table: t),
                        total: try SQLValues.fixedPoint(try row.value("total", table: t), table: t, column: "metric_value"))
        }
    }
}
