import Foundation
import PostgresNIO
import TradingCore

/// One row of `hosts`: a host process run and its latest heartbeat.
public struct HostRecord: Sendable, Hashable {
    public var id: UUID
    public var hostName: String
    public var processId: Int?
    public var mode: TradingMode
    public var strategies: [String]
    public var startedAt: Timestamp
    public var lastHeartbeat: Timestamp
    public var feedConnected: Bool
    public var feedLagMs: Int64?
    /// Market messages per second.
    public var messageRate: FixedPoint?
    public var reconnects: Int
    public var stoppedAt: Timestamp?

    public init(id: UUID = UUID(), hostName: String, processId: Int?, mode: TradingMode, strategies: [String], startedAt: Timestamp,
                lastHeartbeat: Timestamp, feedConnected: Bool = false, feedLagMs: Int64? = nil, messageRate: FixedPoint? = nil,
                reconnects: Int = 0, stoppedAt: Timestamp? = nil) {
        self.id = id; self.hostName = hostName; self.processId = processId; self.mode = mode; self.strategies = strategies
        self.startedAt = startedAt; self.lastHeartbeat = lastHeartbeat; self.feedConnected = feedConnected
        self.feedLagMs = feedLagMs; self.messageRate = messageRate; self.reconnects = reconnects; self.stoppedAt = stoppedAt
    }

    /// Refuses what the hosts table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "hosts")
        try check.length(hostName, "host_name", max: 255)
        if let processId, processId <= 0 { throw check.fail("process_id", "must be > 0, got \(processId)") }
        if let feedLagMs, feedLagMs < 0 { throw check.fail("feed_lag_ms", "must be >= 0, got \(feedLagMs)") }
        try check.nonNegative(messageRate, "message_rate")
        try check.nonNegative(reconnects, "reconnects")
        if lastHeartbeat < startedAt { throw check.fail("last_heartbeat", "must not be before started_at") }
        if let stoppedAt, stoppedAt < startedAt { throw check.fail("stopped_at", "must not be before started_at") }
    }
}

/// Writes host heartbeats and reads them for `runtime status`.
public struct HostRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts the host row or updates its heartbeat fields (by id). Validated first.
    public func upsert(_ host: HostRecord) async throws(StorageError) {
        try host.validate()
        try await session.execute("upsert host heartbeat", """
            INSERT INTO hosts (id, host_name, process_id, mode, strategies, started_at, last_heartbeat, feed_connected, feed_lag_ms,
                message_rate, reconnects, stopped_at)
            VALUES (\(host.id), \(host.hostName), \(host.processId), \(host.mode.rawValue), \(host.strategies)::text[],
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(host.startedAt)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(host.lastHeartbeat)) * INTERVAL '1 microsecond',
                \(host.feedConnected), \(host.feedLagMs), \(host.messageRate?.description)::numeric, \(host.reconnects),
                TIMESTAMPTZ 'epoch' + \(host.stoppedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond')
            ON CONFLICT (id) DO UPDATE SET strategies = EXCLUDED.strategies, last_heartbeat = EXCLUDED.last_heartbeat,
                feed_connected = EXCLUDED.feed_connected, feed_lag_ms = EXCLUDED.feed_lag_ms, message_rate = EXCLUDED.message_rate,
                reconnects = EXCLUDED.reconnects, stopped_at = EXCLUDED.stopped_at
            """)
    }

    /// Hosts that have not stopped, plus those stopped since `stoppedSince`, newest heartbeat first.
    public func hosts(stoppedSince: Timestamp? = nil) async throws(StorageError) -> [HostRecord] {
        let t = "hosts"
        let rows = try await session.rows("read hosts", """
            SELECT id, host_name, process_id, mode, strategies, (extract(epoch FROM started_at) * 1000000)::int8 AS started_us,
                (extract(epoch FROM last_heartbeat) * 1000000)::int8 AS heartbeat_us, feed_connected, feed_lag_ms,
                message_rate::text AS message_rate, reconnects, (extract(epoch FROM stopped_at) * 1000000)::int8 AS stopped_us
            FROM hosts
            WHERE stopped_at IS NULL OR stopped_at >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(stoppedSince ?? Timestamp(nanosecondsSinceEpoch: Int64.max))) * INTERVAL '1 microsecond'
            ORDER BY last_heartbeat DESC
            """)
        return try rows.map { row throws(StorageError) in
            HostRecord(id: try row.value("id", table: t), hostName: try row.value("host_name", table: t),
                       processId: try row.value("process_id", table: t),
                       mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"),
                       strategies: try row.value("strategies", table: t),
                       startedAt: SQLValues.timestamp(micros: try row.value("started_us", table: t)),
                       lastHeartbeat: SQLValues.timestamp(micros: try row.value("heartbeat_us", table: t)),
                       feedConnected: try row.value("feed_connected", table: t), feedLagMs: try row.value("feed_lag_ms", table: t),
                       messageRate: try SQLValues.optionalFixedPoint(try row.value("message_rate", table: t), table: t, column: "message_rate"),
                       reconnects: try row.value("reconnects", table: t),
                       stoppedAt: try row.value("stopped_us", as: Int64?.self, table: t).map(SQLValues.timestamp(micros:)))
        }
    }

    /// When the most recent host of any mode started; nil before the first.
    public func latestStart() async throws(StorageError) -> Timestamp? {
        let rows = try await session.rows("read the latest host start",
                                          "SELECT (extract(epoch FROM max(started_at)) * 1000000)::int8 AS started_us FROM hosts")
        return try rows.first?.value("started_us", as: Int64?.self, table: "hosts").map(SQLValues.timestamp(micros:))
    }
}
