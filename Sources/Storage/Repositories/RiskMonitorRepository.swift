import Foundation
import PostgresNIO
import TradingCore

/// One row of `strategy_risk_monitors`: the equity marks a strategy's post-trade risk monitors
/// compare with (peak for the drawdown, the day's opening equity for the daily loss).
public struct RiskMonitorRecord: Sendable, Hashable {
    public var strategyId: UUID
    /// `live` or `paper` (replays are never persisted).
    public var mode: TradingMode
    /// The UTC day (days since 1970-01-01) `dayOpenEquity` belongs to.
    public var utcDay: Int64?
    public var dayOpenEquity: Money?
    public var lastEquity: Money?
    public var peakEquity: Money?
    /// The allocated capital the equity marks include.
    public var allocatedCapital: Money
    public var updatedAt: Timestamp

    public init(strategyId: UUID, mode: TradingMode, utcDay: Int64?, dayOpenEquity: Money?, lastEquity: Money?,
                peakEquity: Money?, allocatedCapital: Money, updatedAt: Timestamp) {
        self.strategyId = strategyId; self.mode = mode; self.utcDay = utcDay; self.dayOpenEquity = dayOpenEquity
        self.lastEquity = lastEquity; self.peakEquity = peakEquity; self.allocatedCapital = allocatedCapital
        self.updatedAt = updatedAt
    }

    /// Refuses what the table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: RiskMonitorRepository.table)
        if mode == .replay { throw check.fail("mode", "a replay's monitors are not persisted (live or paper only)") }
        if (utcDay == nil) != (dayOpenEquity == nil) {
            throw check.fail("utc_day", "utc_day and day_open_equity are set together, got \(utcDay.map(String.init) ?? "null") and \(dayOpenEquity?.description ?? "null")")
        }
        try check.fits(dayOpenEquity?.value, "day_open_equity")
        try check.fits(lastEquity?.value, "last_equity")
        try check.fits(peakEquity?.value, "peak_equity")
        try check.nonNegative(allocatedCapital.value, "allocated_capital")
        if let peakEquity, let lastEquity, peakEquity < lastEquity {
            throw check.fail("peak_equity", "must be at least last_equity \(lastEquity), got \(peakEquity)")
        }
    }
}

/// Writes and reads `strategy_risk_monitors` (one row per strategy and mode, overwritten).
public struct RiskMonitorRepository: Sendable {
    static let table = "strategy_risk_monitors"
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts or overwrites the row of the record's strategy and mode. Validated first.
    public func upsert(_ record: RiskMonitorRecord) async throws(StorageError) {
        try record.validate()
        try await session.execute("upsert risk monitors", """
            INSERT INTO strategy_risk_monitors (strategy_id, mode, utc_day, day_open_equity, last_equity, peak_equity, allocated_capital,
                updated_at)
            VALUES (\(record.strategyId), \(record.mode.rawValue), DATE '1970-01-01' + \(record.utcDay.map { Int32(clamping: $0) })::int4,
                \(record.dayOpenEquity?.description)::numeric, \(record.lastEquity?.description)::numeric,
                \(record.peakEquity?.description)::numeric, \(record.allocatedCapital.description)::numeric,
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(record.updatedAt)) * INTERVAL '1 microsecond')
            ON CONFLICT (strategy_id, mode) DO UPDATE SET utc_day = EXCLUDED.utc_day, day_open_equity = EXCLUDED.day_open_equity,
                last_equity = EXCLUDED.last_equity, peak_equity = EXCLUDED.peak_equity, allocated_capital = EXCLUDED.allocated_capital,
                updated_at = EXCLUDED.updated_at
            """)
    }

    /// Every strategy's row in `mode`.
    public func monitors(mode: TradingMode) async throws(StorageError) -> [RiskMonitorRecord] {
        let t = Self.table
        let rows = try await session.rows("read risk monitors", """
            SELECT strategy_id, (utc_day - DATE '1970-01-01')::int8 AS utc_day, day_open_equity::text AS day_open_equity,
                last_equity::text AS last_equity, peak_equity::text AS peak_equity, allocated_capital::text AS allocated_capital,
                (extract(epoch FROM updated_at) * 1000000)::int8 AS updated_us
            FROM strategy_risk_monitors WHERE mode = \(mode.rawValue) ORDER BY strategy_id
            """)
        return try rows.map { row throws(StorageError) in
            func money(_ column: String) throws(StorageError) -> Money? {
                try SQLValues.optionalFixedPoint(try row.value(column, as: String?.self, table: t), table: t, column: column).map(Money.init)
            }
            return RiskMonitorRecord(strategyId: try row.value("strategy_id", table: t), mode: mode,
                                     utcDay: try row.value("utc_day", as: Int64?.self, table: t),
                                     dayOpenEquity: try money("day_open_equity"), lastEquity: try money("last_equity"),
                                     peakEquity: try money("peak_equity"), allocatedCapital: try money("allocated_capital") ?? .zero,
                                     updatedAt: SQLValues.timestamp(micros: try row.value("updated_us", table: t)))
        }
    }
}

extension TradeRepository {
    /// Per strategy, how many of its latest closed trades in `mode` lost in a row: orders that
    /// reached a final state with some size filled and whose realized PnL net of their commission
    /// (in the quote currency, ``commissionInQuote(_:)``) is negative, completed after
    /// its last winning one. Trades that realized nothing (opening orders) neither extend nor end
    /// the run. This is the post-trade monitor's max_consecutive_losses count, rebuilt from the
    /// ledger; strategies whose latest decided trade won are left out.
    public func trailingLossRuns(mode: TradingMode) async throws(StorageError) -> [UUID: Int] {
        let t = Self.table
        let rows = try await session.rows("read trailing loss runs", """
            SELECT t.strategy_id, count(*)::int8 AS losses
            FROM trades t
            WHERE t.mode = \(mode.rawValue) AND t.filled_quantity > 0 AND t.completed_at IS NOT NULL AND t.realized_pnl <> 0
              AND t.realized_pnl - \(unescaped: Self.commissionInQuote("t")) < 0
              AND t.completed_at > coalesce((
                  SELECT max(w.completed_at) FROM trades w
                  WHERE w.strategy_id = t.strategy_id AND w.mode = t.mode AND w.filled_quantity > 0
                    AND w.completed_at IS NOT NULL AND w.realized_pnl <> 0
                    AND w.realized_pnl - \(unescaped: Self.commissionInQuote("w")) > 0),
                  '-infinity'::timestamptz)
            GROUP BY t.strategy_id
            """)
        var runs: [UUID: Int] = [:]
        for row in rows {
            runs[try row.value("strategy_id", table: t)] = Int(try row.value("losses", as: Int64.self, table: t))
        }
        return runs
    }
}
