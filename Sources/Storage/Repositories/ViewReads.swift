import Foundation
import PostgresNIO
import TradingCore

// Reads behind the operator views (`runtime status`, `trades`, `positions`, `perf`): kept apart
// from the repositories' write paths so the views never change what the host relies on.

/// A deployed strategy as the views show it.
public struct StrategyOverview: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var status: StrategyStatus
    public var symbols: [String]
    /// The mode of the deployed manifest (`live` or `paper`), when the row records one.
    public var deployedMode: TradingMode?
}

/// One strategy's trading in one mode over a period, straight from `trades` (so it is current
/// without waiting for a rollup), in the quote currency as the daily rollup counts it.
public struct StrategyActivity: Sendable, Hashable {
    public var strategyId: UUID
    public var mode: TradingMode
    /// Orders that ended in the period with some size filled.
    public var tradeCount: Int
    /// Sum of realized_pnl of those orders (gross of fees).
    public var realizedPnl: Money
    /// Sum of their commissions in the quote currency (a base-currency fee valued at the
    /// average fill price).
    public var commission: Money
    /// Sum of filled size times contract value times average fill price (quote currency).
    public var volume: Money
    /// Realized PnL net of commission.
    public var netPnl: Money { realizedPnl - commission }
}

/// What the server is and how the runtime migrated it.
public struct DatabaseInfo: Sendable, Hashable {
    /// `server_version`, e.g. `17.2`.
    public var serverVersion: String
    /// The flavor recorded by the migrator; nil when not migrated.
    public var flavor: SchemaFlavor?
    /// The installed TimescaleDB extension's version, if any.
    public var timescaleVersion: String?
}

extension StrategyRepository {
    /// Every strategy except archived ones, by name.
    public func overview() async throws(StorageError) -> [StrategyOverview] {
        let t = "strategies"
        // to_jsonb(s) reads the deployed manifest's mode when the row has a manifest column, and
        // yields NULL (not an error) when the schema has none.
        let rows = try await session.rows("read strategies overview", """
            SELECT s.id, s.name, s.status, s.symbols, to_jsonb(s) -> 'manifest' ->> 'mode' AS deployed_mode
            FROM strategies s WHERE s.status <> 'archived' ORDER BY s.name
            """)
        return try rows.map { row throws(StorageError) in
            StrategyOverview(id: try row.value("id", table: t), name: try row.value("name", table: t),
                             status: try SQLValues.enumValue(try row.value("status", table: t), table: t, column: "status"),
                             symbols: try row.value("symbols", table: t),
                             deployedMode: try row.value("deployed_mode", as: String?.self, table: t).flatMap(TradingMode.init(rawValue:)))
        }
    }
}

extension TradeRepository {
    /// Trades matching the filters, newest first (what an operator asking for the last N wants).
    public func recentTrades(statuses: [OrderStatus] = [], from: Timestamp? = nil, to: Timestamp? = nil, mode: TradingMode? = nil,
                             strategyId: UUID? = nil, limit: Int = 50) async throws(StorageError) -> [TradeRecord] {
        let statusNames = statuses.map(\.rawValue)
        let fromMicros = from.map(SQLValues.micros)
        let toMicros = to.map(SQLValues.micros)
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM trades
            WHERE (cardinality(\(statusNames)::text[]) = 0 OR status = ANY(\(statusNames)::text[]))
              AND (\(fromMicros)::int8 IS NULL OR created_at >= TIMESTAMPTZ 'epoch' + \(fromMicros) * INTERVAL '1 microsecond')
              AND (\(toMicros)::int8 IS NULL OR created_at < TIMESTAMPTZ 'epoch' + \(toMicros) * INTERVAL '1 microsecond')
              AND (\(mode?.rawValue)::text IS NULL OR mode = \(mode?.rawValue))
              AND (\(strategyId)::uuid IS NULL OR strategy_id = \(strategyId))
            ORDER BY created_at DESC, client_order_id DESC
            LIMIT \(limit)
            """
        return try await session.rows("read recent trades", query).map { row throws(StorageError) in try Self.decode(row) }
    }

    /// Per strategy and mode: orders that completed in [from, to) with some size filled, their
    /// realized PnL, commission and volume, in the quote currency (see ``StrategyActivity``).
    public func activity(from: Timestamp, to: Timestamp) async throws(StorageError) -> [StrategyActivity] {
        let t = Self.table
        let rows = try await session.rows("read trading activity", """
            SELECT t.strategy_id, t.mode, count(*)::int8 AS trade_count, coalesce(sum(t.realized_pnl), 0)::text AS realized_pnl,
                coalesce(sum(\(unescaped: Self.commissionInQuote("t"))), 0)::text AS commission,
                coalesce(sum(trunc(trunc(t.filled_quantity * coalesce(c.contract_value, 1), 12) * t.avg_fill_price, 12)), 0)::text AS volume
            FROM trades t LEFT JOIN instrument_contracts c ON c.symbol = t.symbol
            WHERE t.filled_quantity > 0 AND t.completed_at IS NOT NULL
              AND t.completed_at >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND t.completed_at <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            GROUP BY t.strategy_id, t.mode
            ORDER BY t.strategy_id, t.mode
            """)
        return try rows.map { row throws(StorageError) in
            func fp(_ c: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(c, as: String.self, table: t), table: t, column: c) }
            return StrategyActivity(strategyId: try row.value("strategy_id", table: t),
                                    mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"),
                                    tradeCount: Int(try row.value("trade_count", as: Int64.self, table: t)),
                                    realizedPnl: Money(try fp("realized_pnl")), commission: Money(try fp("commission")),
                                    volume: Money(try fp("volume")))
        }
    }
}

extension RiskEventRepository {
    /// Unacknowledged risk events per strategy (the nil key counts events of no strategy).
    public func unacknowledgedCounts() async throws(StorageError) -> [UUID?: Int] {
        let rows = try await session.rows("count unacknowledged risk events", """
            SELECT strategy_id, count(*)::int8 AS events FROM risk_events WHERE NOT acknowledged GROUP BY strategy_id
            """)
        var counts: [UUID?: Int] = [:]
        for row in rows {
            let id: UUID? = try row.value("strategy_id", table: "risk_events")
            counts[id] = Int(try row.value("events", as: Int64.self, table: "risk_events"))
        }
        return counts
    }
}

extension StorageMaintenance {
    /// The server's version, the migrated flavor and the TimescaleDB extension's version.
    public func databaseInfo() async throws(StorageError) -> DatabaseInfo {
        let rows = try await session.rows("read database info", """
            SELECT current_setting('server_version') AS server_version,
                (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS timescale_version,
                to_regclass('schema_migrations') IS NOT NULL AS migrated
            """)
        guard let row = rows.first else { throw .database(operation: "read database info", message: "no row returned") }
        let migrated: Bool = try row.value("migrated", table: "pg_settings")
        let recordedFlavor: SchemaFlavor? = migrated ? try await flavor() : nil
        return DatabaseInfo(serverVersion: try row.value("server_version", table: "pg_settings"),
                            flavor: recordedFlavor,
                            timescaleVersion: try row.value("timescale_version", table: "pg_extension"))
    }
}
