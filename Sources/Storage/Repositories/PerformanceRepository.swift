import Foundation
import PostgresNIO
import TradingCore

/// One row of `strategy_performance`: a strategy's figures for one UTC day in one mode.
public struct StrategyPerformanceRecord: Sendable, Hashable {
    public var strategyId: UUID
    /// Any instant of the UTC day; stored as that day's date.
    public var day: Timestamp
    public var mode: TradingMode
    public var totalTrades: Int
    public var winningTrades: Int
    public var losingTrades: Int
    public var totalPnl: Money
    public var totalCommission: Money
    public var netPnl: Money
    public var returnPct: FixedPoint?
    public var sharpeRatio: FixedPoint?
    /// A positive fraction or amount, as the Portfolio module defines it.
    public var maxDrawdown: FixedPoint?
    /// 0...1.
    public var winRate: FixedPoint?
    public var avgWin: Money?
    public var avgLoss: Money?
    public var profitFactor: FixedPoint?
    public var totalVolume: Money

    public init(strategyId: UUID, day: Timestamp, mode: TradingMode, totalTrades: Int, winningTrades: Int, losingTrades: Int,
                totalPnl: Money, totalCommission: Money, netPnl: Money, returnPct: FixedPoint? = nil, sharpeRatio: FixedPoint? = nil,
                maxDrawdown: FixedPoint? = nil, winRate: FixedPoint? = nil, avgWin: Money? = nil, avgLoss: Money? = nil,
                profitFactor: FixedPoint? = nil, totalVolume: Money) {
        self.strategyId = strategyId; self.day = day; self.mode = mode; self.totalTrades = totalTrades
        self.winningTrades = winningTrades; self.losingTrades = losingTrades; self.totalPnl = totalPnl
        self.totalCommission = totalCommission; self.netPnl = netPnl; self.returnPct = returnPct; self.sharpeRatio = sharpeRatio
        self.maxDrawdown = maxDrawdown; self.winRate = winRate; self.avgWin = avgWin; self.avgLoss = avgLoss
        self.profitFactor = profitFactor; self.totalVolume = totalVolume
    }

    /// Refuses what the strategy_performance table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "strategy_performance")
        try check.nonNegative(totalTrades, "total_trades")
        try check.nonNegative(winningTrades, "winning_trades")
        try check.nonNegative(losingTrades, "losing_trades")
        if winningTrades + losingTrades > totalTrades {
            throw check.fail("winning_trades", "plus losing_trades (\(winningTrades + losingTrades)) exceeds total_trades (\(totalTrades))")
        }
        for (value, field) in [(totalPnl.value, "total_pnl"), (totalCommission.value, "total_commission"), (netPnl.value, "net_pnl")] {
            try check.fits(value, field)
        }
        try check.fits(returnPct, "return_pct")
        try check.fits(sharpeRatio, "sharpe_ratio")
        try check.nonNegative(maxDrawdown, "max_drawdown")
        try check.nonNegative(winRate, "win_rate")
        if let winRate, winRate > FixedPoint(1) { throw check.fail("win_rate", "must be <= 1, got \(winRate)") }
        try check.fits(avgWin?.value, "avg_win")
        try check.fits(avgLoss?.value, "avg_loss")
        try check.nonNegative(profitFactor, "profit_factor")
        try check.nonNegative(totalVolume.value, "total_volume")
    }

    var dateText: String {
        let civil = Timestamp.civilDate(daysSinceEpoch: day.utcDayNumber)
        return String(format: "%04lld-%02lld-%02lld", civil.year, civil.month, civil.day)
    }
}

/// The `strategy_performance_daily` rollup: filled trades per strategy, mode and UTC day.
public struct DailyTradeRollup: Sendable, Hashable {
    public var strategyId: UUID
    public var mode: TradingMode
    public var day: Timestamp
    public var totalTrades: Int
    public var winningTrades: Int
    public var losingTrades: Int
    public var totalPnl: Money
    public var totalCommission: Money
    public var netPnl: Money
    public var totalVolume: Money
}

/// Reads and writes `strategy_performance` and reads `strategy_performance_daily`.
public struct PerformanceRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts or replaces the row of (strategy, day, mode). Validated first.
    public func upsert(_ record: StrategyPerformanceRecord) async throws(StorageError) {
        try record.validate()
        try await session.execute("upsert strategy_performance", """
            INSERT INTO strategy_performance (strategy_id, date, mode, total_trades, winning_trades, losing_trades, total_pnl,
                total_commission, net_pnl, return_pct, sharpe_ratio, max_drawdown, win_rate, avg_win, avg_loss, profit_factor, total_volume)
            VALUES (\(record.strategyId), \(record.dateText)::date, \(record.mode.rawValue), \(record.totalTrades), \(record.winningTrades),
                \(record.losingTrades), \(record.totalPnl.description)::numeric, \(record.totalCommission.description)::numeric,
                \(record.netPnl.description)::numeric, \(record.returnPct?.description)::numeric, \(record.sharpeRatio?.description)::numeric,
                \(record.maxDrawdown?.description)::numeric, \(record.winRate?.description)::numeric, \(record.avgWin?.description)::numeric,
                \(record.avgLoss?.description)::numeric, \(record.profitFactor?.description)::numeric, \(record.totalVolume.description)::numeric)
            ON CONFLICT (strategy_id, date, mode) DO UPDATE SET
                total_trades = EXCLUDED.total_trades, winning_trades = EXCLUDED.winning_trades, losing_trades = EXCLUDED.losing_trades,
                total_pnl = EXCLUDED.total_pnl, total_commission = EXCLUDED.total_commission, net_pnl = EXCLUDED.net_pnl,
                return_pct = EXCLUDED.return_pct, sharpe_ratio = EXCLUDED.sharpe_ratio, max_drawdown = EXCLUDED.max_drawdown,
                win_rate = EXCLUDED.win_rate, avg_win = EXCLUDED.avg_win, avg_loss = EXCLUDED.avg_loss,
                profit_factor = EXCLUDED.profit_factor, total_volume = EXCLUDED.total_volume
            """)
    }

    /// Daily performance rows in [from, to) (UTC days), optionally of one strategy or mode, oldest first.
    public func daily(from: Timestamp, to: Timestamp, strategyId: UUID? = nil, mode: TradingMode? = nil) async throws(StorageError) -> [StrategyPerformanceRecord] {
        let t = "strategy_performance"
        let rows = try await session.rows("read strategy_performance", """
            SELECT strategy_id, (date - DATE '1970-01-01')::int8 AS day_number, mode, total_trades, winning_trades, losing_trades,
                total_pnl::text AS total_pnl, total_commission::text AS total_commission, net_pnl::text AS net_pnl,
                return_pct::text AS return_pct, sharpe_ratio::text AS sharpe_ratio, max_drawdown::text AS max_drawdown,
                win_rate::text AS win_rate, avg_win::text AS avg_win, avg_loss::text AS avg_loss,
                profit_factor::text AS profit_factor, total_volume::text AS total_volume
            FROM strategy_performance
            WHERE date >= DATE '1970-01-01' + \(from.utcDayNumber)::int AND date < DATE '1970-01-01' + \(Self.dayCeiling(to))::int
              AND (\(strategyId)::uuid IS NULL OR strategy_id = \(strategyId)) AND (\(mode?.rawValue)::text IS NULL OR mode = \(mode?.rawValue))
            ORDER BY date, strategy_id, mode
            """)
        return try rows.map { row throws(StorageError) in
            func fp(_ c: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(c, as: String.self, table: t), table: t, column: c) }
            func ofp(_ c: String) throws(StorageError) -> FixedPoint? { try SQLValues.optionalFixedPoint(try row.value(c, as: String?.self, table: t), table: t, column: c) }
            return StrategyPerformanceRecord(
                strategyId: try row.value("strategy_id", table: t),
                day: Timestamp(nanosecondsSinceEpoch: try row.value("day_number", as: Int64.self, table: t) * 86_400_000_000_000),
                mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"),
                totalTrades: try row.value("total_trades", table: t), winningTrades: try row.value("winning_trades", table: t),
                losingTrades: try row.value("losing_trades", table: t), totalPnl: Money(try fp("total_pnl")),
                totalCommission: Money(try fp("total_commission")), netPnl: Money(try fp("net_pnl")), returnPct: try ofp("return_pct"),
                sharpeRatio: try ofp("sharpe_ratio"), maxDrawdown: try ofp("max_drawdown"), winRate: try ofp("win_rate"),
                avgWin: try ofp("avg_win").map(Money.init), avgLoss: try ofp("avg_loss").map(Money.init),
                profitFactor: try ofp("profit_factor"), totalVolume: Money(try fp("total_volume")))
        }
    }

    /// The `strategy_performance_daily` rollup rows in [from, to), oldest first.
    public func dailyTradeRollups(from: Timestamp, to: Timestamp, mode: TradingMode? = nil) async throws(StorageError) -> [DailyTradeRollup] {
        let t = "strategy_performance_daily"
        let rows = try await session.rows("read strategy_performance_daily", """
            SELECT strategy_id, mode, (extract(epoch FROM "date") * 1000000)::int8 AS day_us, total_trades, winning_trades, losing_trades,
                total_pnl::text AS total_pnl, total_commission::text AS total_commission, net_pnl::text AS net_pnl, total_volume::text AS total_volume
            FROM strategy_performance_daily
            WHERE "date" >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND "date" < TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
              AND (\(mode?.rawValue)::text IS NULL OR mode = \(mode?.rawValue))
            ORDER BY "date", strategy_id, mode
            """)
        return try rows.map { row throws(StorageError) in
            func fp(_ c: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(c, as: String.self, table: t), table: t, column: c) }
            return DailyTradeRollup(
                strategyId: try row.value("strategy_id", table: t),
                mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"),
                day: SQLValues.timestamp(micros: try row.value("day_us", table: t)),
                totalTrades: try row.value("total_trades", table: t), winningTrades: try row.value("winning_trades", table: t),
                losingTrades: try row.value("losing_trades", table: t), totalPnl: Money(try fp("total_pnl")),
                totalCommission: Money(try fp("total_commission")), netPnl: Money(try fp("net_pnl")), totalVolume: Money(try fp("total_volume")))
        }
    }

    private static func dayCeiling(_ timestamp: Timestamp) -> Int64 {
        timestamp.startOfUTCDay == timestamp ? timestamp.utcDayNumber : timestamp.utcDayNumber + 1
    }
}

extension PerformanceRepository {
    /// Recomputes strategy_performance_daily for every (strategy, mode, day) that trades logged
    /// since the last refresh, and returns how many buckets it recomputed. The maintenance pass
    /// runs it; a trader may too (after a persisted sweep).
    @discardableResult
    public func refreshDailyRollup() async throws(StorageError) -> Int64 {
        let rows = try await session.rows("refresh strategy_performance_daily", "SELECT refresh_strategy_performance_daily() AS buckets")
        return try rows.first?.value("buckets", as: Int64.self, table: "strategy_performance_daily") ?? 0
    }
}
