import Foundation
import Storage
import StrategyKit
import TradingCore

/// `runtime perf`: daily performance per strategy and mode over the last N UTC days.
///
/// Closed days come from `strategy_performance` (the host's rollup at each UTC day boundary and
/// on shutdown). Today, until the host rolls it up, is computed from the trades themselves and
/// marked partial, so a running strategy's day is visible before it ends.
public struct PerformanceView: Sendable {
    /// Where a row's figures come from.
    public enum Source: String, Sendable, Hashable {
        /// `strategy_performance`, written by the host's daily rollup.
        case rollup
        /// Today so far, summed from `trades` (no rollup row yet).
        case partialDay = "trades_today"
    }

    /// One strategy's day in one mode.
    public struct Row: Sendable, Hashable {
        public var strategy: String
        public var source: Source
        public var record: StrategyPerformanceRecord
    }

    public var rows: [Row]

    /// Reads the last `days` UTC days up to and including `now`'s, optionally of one strategy.
    public static func read(_ session: any DatabaseSession, days: Int, strategy: String? = nil,
                            now: Timestamp = ViewOptions.now()) async throws -> PerformanceView {
        let dayLength: Int64 = 86_400_000_000_000
        let today = now.startOfUTCDay
        let from = today.advanced(byNanoseconds: -Int64(days - 1) * dayLength)
        let to = today.advanced(byNanoseconds: dayLength)
        let names = try await StrategyNames.read(session)
        let strategyId = try strategy.map { name throws(ViewOptionError) in try names.id(named: name) }
        let stored = try await PerformanceRepository(session).daily(from: from, to: to, strategyId: strategyId)
        var rows = stored.map { Row(strategy: names.name($0.strategyId), source: .rollup, record: $0) }
        for activity in try await TradeRepository(session).activity(from: today, to: to)
        where strategyId == nil || activity.strategyId == strategyId {
            let rolledUp = stored.contains { $0.strategyId == activity.strategyId && $0.mode == activity.mode && $0.day.utcDayNumber == today.utcDayNumber }
            if rolledUp { continue }
            let record = StrategyPerformanceRecord(
                strategyId: activity.strategyId, day: today, mode: activity.mode, totalTrades: activity.tradeCount,
                winningTrades: 0, losingTrades: 0, totalPnl: activity.realizedPnl, totalCommission: activity.commission,
                netPnl: activity.netPnl, totalVolume: activity.volume)
            rows.append(Row(strategy: names.name(activity.strategyId), source: .partialDay, record: record))
        }
        rows.sort { ($0.record.day, $0.strategy, $0.record.mode.rawValue) < ($1.record.day, $1.strategy, $1.record.mode.rawValue) }
        return PerformanceView(rows: rows)
    }

    /// A JSON array of days; amounts and ratios are decimal strings.
    public var json: ParameterValue {
        .array(rows.map { row in
            let r = row.record
            let civil = Timestamp.civilDate(daysSinceEpoch: r.day.utcDayNumber)
            let date = String(format: "%04lld-%02lld-%02lld", civil.year, civil.month, civil.day)
            var object: [String: ParameterValue] = [
                "strategy": .string(row.strategy), "date": .string(date), "mode": .string(r.mode.rawValue),
                "source": .string(row.source.rawValue), "total_trades": ViewJSON.count(r.totalTrades),
                "total_pnl": ViewJSON.amount(r.totalPnl.value), "total_commission": ViewJSON.amount(r.totalCommission.value),
                "net_pnl": ViewJSON.amount(r.netPnl.value), "total_volume": ViewJSON.amount(r.totalVolume.value),
            ]
            if row.source == .rollup {
                object["winning_trades"] = ViewJSON.count(r.winningTrades)
                object["losing_trades"] = ViewJSON.count(r.losingTrades)
                object["return_pct"] = ViewJSON.amount(r.returnPct)
                object["sharpe_ratio"] = ViewJSON.amount(r.sharpeRatio)
                object["max_drawdown"] = ViewJSON.amount(r.maxDrawdown)
                object["win_rate"] = ViewJSON.amount(r.winRate)
                object["avg_win"] = ViewJSON.amount(r.avgWin?.value)
                object["avg_loss"] = ViewJSON.amount(r.avgLoss?.value)
                object["profit_factor"] = ViewJSON.amount(r.profitFactor)
            }
            return .object(object)
        })
    }
}
