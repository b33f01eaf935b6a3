#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PostgresNIO
import TradingCore

/// How serious a risk event is.
public enum RiskSeverity: String, Sendable, Hashable, CaseIterable {
    case info, warning, critical, emergency
}

/// One row of `risk_events`.
public struct RiskEventRecord: Sendable, Hashable {
    /// Assigned by the database; nil before insertion.
    public var id: Int64?
    public var eventType: String
    public var severity: RiskSeverity
    public var strategyId: UUID?
    public var symbol: String?
    public var description: String
    public var metricName: String?
    public var metricValue: FixedPoint?
    public var thresholdValue: FixedPoint?
    public var actionTaken: String?
    public var acknowledged: Bool
    public var acknowledgedBy: UUID?
    public var acknowledgedAt: Timestamp?
    public var createdAt: Timestamp
    /// nil for events that belong to no trading mode (e.g. the global kill switch).
    public var mode: TradingMode?

    public init(id: Int64? = nil, eventType: String, severity: RiskSeverity, strategyId: UUID? = nil, symbol: String? = nil,
                description: String, metricName: String? = nil, metricValue: FixedPoint? = nil, thresholdValue: FixedPoint? = nil,
                actionTaken: String? = nil, acknowledged: Bool = false, acknowledgedBy: UUID? = nil, acknowledgedAt: Timestamp? = nil,
                createdAt: Timestamp, mode: TradingMode?) {
        self.id = id; self.eventType = eventType; self.severity = severity; self.strategyId = strategyId; self.symbol = symbol
        self.description = description; self.metricName = metricName; self.metricValue = metricValue
        self.thresholdValue = thresholdValue; self.actionTaken = actionTaken; self.acknowledged = acknowledged
        self.acknowledgedBy = acknowledgedBy; self.acknowledgedAt = acknowledgedAt; self.createdAt = createdAt; self.mode = mode
    }

    /// Refuses what the risk_events table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "risk_events")
        try check.length(eventType, "event_type", max: 50)
        try check.length(symbol, "symbol", max: 50)
        try check.length(description, "description", max: Int.max)
        try check.length(metricName, "metric_name", max: 100)
        try check.fits(metricValue, "metric_value")
        try check.fits(thresholdValue, "threshold_value")
        try check.length(actionTaken, "action_taken", max: 100)
        if acknowledged && acknowledgedAt == nil { throw check.fail("acknowledged_at", "is required when acknowledged is true") }
        if !acknowledged && (acknowledgedBy != nil || acknowledgedAt != nil) {
            throw check.fail("acknowledged", "must be true when acknowledged_by or acknowledged_at is set")
        }
    }
}

/// Reads and writes `risk_events`.
public struct RiskEventRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts the event (validated first) and returns its id.
    @discardableResult
    public func insert(_ event: RiskEventRecord) async throws(StorageError) -> Int64 {
        try event.validate()
        let rows = try await session.rows("insert risk event", """
            INSERT INTO risk_events (event_type, severity, strategy_id, symbol, description, metric_name, metric_value, threshold_value,
                action_taken, acknowledged, acknowledged_by, acknowledged_at, created_at, mode)
            VALUES (\(event.eventType), \(event.severity.rawValue), \(event.strategyId), \(event.symbol), \(event.description),
                \(event.metricName), \(event.metricValue?.description)::numeric, \(event.thresholdValue?.description)::numeric,
                \(event.actionTaken), \(event.acknowledged), \(event.acknowledgedBy),
                TIMESTAMPTZ 'epoch' + \(event.acknowledgedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(event.createdAt)) * INTERVAL '1 microsecond', \(event.mode?.rawValue))
            RETURNING id
            """)
        guard let row = rows.first else { throw .database(operation: "insert risk event", message: "no id returned") }
        return try row.value("id", table: "risk_events")
    }

    /// Marks an event acknowledged by a user; returns false when it does not exist or was already acknowledged.
    @discardableResult
    public func acknowledge(id: Int64, by user: UUID, at time: Timestamp) async throws(StorageError) -> Bool {
        let rows = try await session.rows("acknowledge risk event", """
            UPDATE risk_events SET acknowledged = true, acknowledged_by = \(user),
                acknowledged_at = TIMESTAMPTZ 'epoch' + \(SQLValues.micros(time)) * INTERVAL '1 microsecond'
            WHERE id = \(id) AND NOT acknowledged RETURNING id
            """)
        return !rows.isEmpty
    }

    /// Events of the given severities (all when empty) and acknowledgement state (both when nil),
    /// newest first.
    public func events(severities: [RiskSeverity] = [], acknowledged: Bool? = nil, since: Timestamp? = nil,
                       limit: Int = 500) async throws(StorageError) -> [RiskEventRecord] {
        let t = "risk_events"
        let names = severities.map(\.rawValue)
        let rows = try await session.rows("read risk events", """
            SELECT id, event_type, severity, strategy_id, symbol, description, metric_name, metric_value::text AS metric_value,
                threshold_value::text AS threshold_value, action_taken, acknowledged, acknowledged_by,
                (extract(epoch FROM acknowledged_at) * 1000000)::int8 AS acknowledged_us,
                (extract(epoch FROM created_at) * 1000000)::int8 AS created_us, mode
            FROM risk_events
            WHERE (cardinality(\(names)::text[]) = 0 OR severity = ANY(\(names)::text[]))
              AND (\(acknowledged)::bool IS NULL OR acknowledged = \(acknowledged))
              AND (\(since.map(SQLValues.micros))::int8 IS NULL OR created_at >= TIMESTAMPTZ 'epoch' + \(since.map(SQLValues.micros)) * INTERVAL '1 microsecond')
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit)
            """)
        return try rows.map { row throws(StorageError) in
            RiskEventRecord(
                id: try row.value("id", table: t), eventType: try row.value("event_type", table: t),
                severity: try SQLValues.enumValue(try row.value("severity", table: t), table: t, column: "severity"),
                strategyId: try row.value("strategy_id", table: t), symbol: try row.value("symbol", table: t),
                description: try row.value("description", table: t), metricName: try row.value("metric_name", table: t),
                metricValue: try SQLValues.optionalFixedPoint(try row.value("metric_value", table: t), table: t, column: "metric_value"),
                thresholdValue: try SQLValues.optionalFixedPoint(try row.value("threshold_value", table: t), table: t, column: "threshold_value"),
                actionTaken: try row.value("action_taken", table: t), acknowledged: try row.value("acknowledged", table: t),
                acknowledgedBy: try row.value("acknowledged_by", table: t),
                acknowledgedAt: try row.value("acknowledged_us", as: Int64?.self, table: t).map(SQLValues.timestamp(micros:)),
                createdAt: SQLValues.timestamp(micros: try row.value("created_us", table: t)),
                mode: try row.value("mode", as: String?.self, table: t).map { text throws(StorageError) in try SQLValues.enumValue(text, table: t, column: "mode") })
        }
    }
}

/// One row of `audit_logs`: who did what to which resource, and whether it worked.
public struct AuditLogRecord: Sendable, Hashable {
    public var userId: UUID?
    public var action: String
    public var resourceType: String
    public var resourceId: String?
    /// JSON text of the resource before the change.
    public var oldValue: String?
    /// JSON text of the resource after the change.
    public var newValue: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var success: Bool
    public var errorMessage: String?
    public var createdAt: Timestamp

    public init(userId: UUID?, action: String, resourceType: String, resourceId: String? = nil, oldValue: String? = nil,
                newValue: String? = nil, ipAddress: String? = nil, userAgent: String? = nil, success: Bool = true,
                errorMessage: String? = nil, createdAt: Timestamp) {
        self.userId = userId; self.action = action; self.resourceType = resourceType; self.resourceId = resourceId
        self.oldValue = oldValue; self.newValue = newValue; self.ipAddress = ipAddress; self.userAgent = userAgent
        self.success = success; self.errorMessage = errorMessage; self.createdAt = createdAt
    }

    /// Refuses what the audit_logs table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "audit_logs")
        try check.length(action, "action", max: 100)
        try check.length(resourceType, "resource_type", max: 50)
        try check.length(resourceId, "resource_id", max: 100)
        try check.json(oldValue, "old_value")
        try check.json(newValue, "new_value")
        if let ipAddress, !Self.isIPAddress(ipAddress) { throw check.fail("ip_address", "'\(ipAddress)' is not an IPv4 or IPv6 address") }
        if !success && errorMessage == nil { throw check.fail("error_message", "is required when success is false") }
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let address = text.split(separator: "/").first.map(String.init) ?? text
        return inet_pton(AF_INET, address, &v4) == 1 || inet_pton(AF_INET6, address, &v6) == 1
    }
}

/// Writes and reads `audit_logs`.
public struct AuditLogRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts the record (validated first) and returns its id.
    @discardableResult
    public func insert(_ record: AuditLogRecord) async throws(StorageError) -> Int64 {
        try record.validate()
        let rows = try await session.rows("insert audit log", """
            INSERT INTO audit_logs (user_id, action, resource_type, resource_id, old_value, new_value, ip_address, user_agent,
                success, error_message, created_at)
            VALUES (\(record.userId), \(record.action), \(record.resourceType), \(record.resourceId), \(record.oldValue)::jsonb,
                \(record.newValue)::jsonb, \(record.ipAddress)::inet, \(record.userAgent), \(record.success), \(record.errorMessage),
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(record.createdAt)) * INTERVAL '1 microsecond')
            RETURNING id
            """)
        guard let row = rows.first else { throw .database(operation: "insert audit log", message: "no id returned") }
        return try row.value("id", table: "audit_logs")
    }

    /// The newest records about one resource type (and id), or of every type when nil, newest first.
    public func records(resourceType: String?, resourceId: String? = nil, limit: Int = 100) async throws(StorageError) -> [AuditLogRecord] {
        let t = "audit_logs"
        let rows = try await session.rows("read audit logs", """
            SELECT user_id, action, resource_type, resource_id, old_value::text AS old_value, new_value::text AS new_value,
                host(ip_address) AS ip_address, user_agent, success, error_message, (extract(epoch FROM created_at) * 1000000)::int8 AS created_us
            FROM audit_logs
            WHERE (\(resourceType)::text IS NULL OR resource_type = \(resourceType)) AND (\(resourceId)::text IS NULL OR resource_id = \(resourceId))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """)
        return try rows.map { row throws(StorageError) in
            AuditLogRecord(userId: try row.value("user_id", table: t), action: try row.value("action", table: t),
                           resourceType: try row.value("resource_type", table: t), resourceId: try row.value("resource_id", table: t),
                           oldValue: try row.value("old_value", table: t), newValue: try row.value("new_value", table: t),
                           ipAddress: try row.value("ip_address", table: t), userAgent: try row.value("user_agent", table: t),
                           success: try row.value("success", table: t), errorMessage: try row.value("error_message", table: t),
                           createdAt: SQLValues.timestamp(micros: try row.value("created_us", table: t)))
        }
    }
}
