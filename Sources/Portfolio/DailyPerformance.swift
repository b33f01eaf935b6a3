import TradingCore

/// A UTC calendar date, as days since 1970-01-01.
public struct UTCDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var dayNumber: Int64

    public init(dayNumber: Int64) { self.dayNumber = dayNumber }
    /// The UTC date an instant falls on.
    public init(containing time: Timestamp) { self.dayNumber = time.utcDayNumber }

    /// 00:00:00 UTC of the date.
    public var start: Timestamp { Timestamp(nanosecondsSinceEpoch: dayNumber * DailyPerformance.nanosecondsPerDay) }
    /// 00:00:00 UTC of the next date.
    public var end: Timestamp { Timestamp(nanosecondsSinceEpoch: (dayNumber + 1) * DailyPerformance.nanosecondsPerDay) }

    public static func < (lhs: UTCDate, rhs: UTCDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// ISO 8601, e.g. `2024-03-01`.
    public var description: String {
        let (year, month, day) = Timestamp.civilDate(daysSinceEpoch: dayNumber)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// One `strategy_performance` row: a strategy's results on one UTC date (event time, so a
/// replay rolls up the days it replays). A pure function of the day's closed trades and
/// equity samples: recomputing from the `trades` table gives the same row.
///
/// Definitions (amounts in the quote currency; ratios rounded to nearest at 8 decimals):
/// - Trades: orders completed (``ClosedTrade/completedAt``) during the date with some size filled.
///   `winning` / `losing`: realized PnL **net** of the trade's commission
///   (``ClosedTrade/netRealizedPnl``) above / below zero, so a spread capture that paid more in
///   fees than it realized is a loss. Opening trades (realized exactly 0) are neither; their fee
///   still counts in `total_commission` and `net_pnl`.
/// - `total_pnl` = Σ realized PnL, the one **gross** figure (before fees, beside `net_pnl`);
///   `total_commission` = Σ commission in quote (``ClosedTrade/commissionInQuote``);
///   `net_pnl` = total_pnl − total_commission.
/// - `win_rate` = winning / (winning + losing) × 100 (percent); nil without closing trades.
/// - `avg_win` = Σ net PnL of winning trades / winning; `avg_loss` = Σ net PnL of losing
///   trades / losing (negative); rounded to nearest at 12 decimals; nil without such trades.
/// - `profit_factor` = Σ winning net PnL / |Σ losing net PnL|; nil without losing trades.
/// - `total_volume` = Σ filled × contract value × average fill price.
/// - Equity path: the opening equity (the last sample before the date, else the date's first
///   sample) followed by the date's samples up to the end of the period.
///   `return_pct` = (last − opening) / opening × 100. `max_drawdown` = the largest fall from a
///   running peak along that path, in percent of the peak (0 when equity never fell).
/// - `sharpe_ratio`: annualised Sharpe ratio of **hourly** equity returns, risk-free rate 0.
///   Equity is read on an hourly grid that starts at the equity path's first point (the date's
///   start when equity was carried from before it, else the first sample) and runs to the
///   period's end: the last sample at or before each hour from that start, and at the period's
///   end if that is not on the grid; `r_k = E_k / E_{k−1} − 1`; Sharpe = mean(r) / sample
///   standard deviation(r) × √8760 (crypto trades every hour of the year), rounded to 4
///   decimals; nil with fewer than two returns or zero deviation.
///   Why the grid starts at the first sample: before it the strategy was not running, and
///   reading its first equity back to midnight would invent zero returns (18 of them for a
///   strategy started at 18:00) that drag both the mean and the deviation towards zero. Why it
///   still runs on from the last sample to the period's end: the strategy is running there
///   (samples come every mark interval, and a shutdown ends the period), so flat equity after
///   the last sample is a real zero return, not a gap.
///   Why hourly equity rather than per trade: it includes unrealized PnL, is not biased by how
///   often samples happen to be taken, and is comparable across strategies with different
///   trade counts. It is computed in binary floating point (a statistic, not money).
public struct DailyPerformance: Hashable, Sendable {
    public static let nanosecondsPerDay: Int64 = 86_400_000_000_000
    static let nanosecondsPerHour: Int64 = 3_600_000_000_000

    public var strategy: StrategyName
    public var date: UTCDate
    public var totalTrades: Int
    public var winningTrades: Int
    public var losingTrades: Int
    public var totalPnl: Money
    public var totalCommission: Money
    public var netPnl: Money
    public var returnPct: FixedPoint?
    public var sharpeRatio: FixedPoint?
    public var maxDrawdown: FixedPoint
    public var winRate: FixedPoint?
    public var avgWin: Money?
    public var avgLoss: Money?
    public var profitFactor: FixedPoint?
    public var totalVolume: Money
    /// Whether the period ended before the date did (a partial day rolled up on shutdown).
    public var isPartialDay: Bool
    public var mode: TradingMode

    /// Rolls up `strategy`'s `date` from its trades and equity samples (other strategies' and
    /// other dates' entries are ignored). `periodEnd` is the date's end for a full day, or the
    /// shutdown time for a partial one. `openingEquity` is the equity carried from before the date.
    public static func compute(strategy: StrategyName, date: UTCDate, trades: [ClosedTrade], samples: [EquitySample],
                               openingEquity: Money?, periodEnd: Timestamp? = nil, mode: TradingMode) -> DailyPerformance {
        let own = samples.lazy.filter { $0.strategy == strategy }.map { TimedEquity(timestamp: $0.timestamp, equity: $0.equity) }
        return compute(strategy: strategy, date: date, trades: trades, samples: Array(own), openingEquity: openingEquity,
                       periodEnd: periodEnd, mode: mode)
    }

    /// ``compute(strategy:date:trades:samples:openingEquity:periodEnd:mode:)`` over the strategy's
    /// own samples, in the order recorded.
    static func compute(strategy: StrategyName, date: UTCDate, trades: [ClosedTrade], samples: [TimedEquity],
                        openingEquity: Money?, periodEnd: Timestamp?, mode: TradingMode) -> DailyPerformance {
        let end = min(periodEnd ?? date.end, date.end)
        let dayTrades = trades.filter {
            $0.strategy == strategy && $0.completedAt >= date.start && $0.completedAt < date.end && !$0.filledQuantity.isZero
        }
        var result = DailyPerformance(
            strategy: strategy, date: date, totalTrades: dayTrades.count, winningTrades: 0, losingTrades: 0,
            totalPnl: .zero, totalCommission: .zero, netPnl: .zero, returnPct: nil, sharpeRatio: nil, maxDrawdown: .zero,
            winRate: nil, avgWin: nil, avgLoss: nil, profitFactor: nil, totalVolume: .zero,
            isPartialDay: end < date.end, mode: mode)
        var wins = Money.zero
        var losses = Money.zero
        for trade in dayTrades {
            result.totalPnl += trade.realizedPnl
            result.totalCommission += trade.commissionInQuote
            result.totalVolume += trade.volumeInQuote
            // An opening trade realizes nothing: its fee is a cost of the position it opened,
            // judged when that position is closed, not a trade lost.
            guard !trade.realizedPnl.value.isZero else { continue }
            let net = trade.netRealizedPnl
            if net.value.isPositive {
                result.winningTrades += 1
                wins += net
            } else if net.isNegative {
                result.losingTrades += 1
                losses += net
            }
        }
        result.netPnl = result.totalPnl - result.totalCommission
        let closing = result.winningTrades + result.losingTrades
        if closing > 0 { result.winRate = ratio(FixedPoint(result.winningTrades).times(100), FixedPoint(closing)) }
        if result.winningTrades > 0 {
            result.avgWin = Money((try? wins.value.divided(by: FixedPoint(result.winningTrades), rounding: .toNearestOrAwayFromZero)) ?? .zero)
        }
        if result.losingTrades > 0 {
            result.avgLoss = Money((try? losses.value.divided(by: FixedPoint(result.losingTrades), rounding: .toNearestOrAwayFromZero)) ?? .zero)
            result.profitFactor = ratio(wins.value, losses.value.magnitude)
        }

        let path = equityPath(date: date, end: end, samples: samples, openingEquity: openingEquity)
        if let opening = path.first, let closingEquity = path.last, opening.equity.value.isPositive {
            result.returnPct = ratio((closingEquity.equity.value - opening.equity.value).times(100), opening.equity.value)
        }
        var peak = FixedPoint.zero
        // The peak never falls, so a fall no deeper than the deepest one so far is no larger a
        // share of its peak: only deeper falls need the division (one per sample was most of a
        // candles backtest's rollup time).
        var deepestFall = FixedPoint.zero
        for sample in path {
            peak = max(peak, sample.equity.value)
            let fall = peak - sample.equity.value
            guard peak.isPositive, fall > deepestFall else { continue }
            if let drawdown = ratio(fall.times(100), peak), drawdown > result.maxDrawdown {
                result.maxDrawdown = drawdown
                deepestFall = fall
            }
        }
        result.sharpeRatio = hourlySharpe(path: path, end: end)
        return result
    }

    /// The opening equity and the date's samples up to `end`, in time order.
    static func equityPath(date: UTCDate, end: Timestamp, samples: [TimedEquity], openingEquity: Money?) -> [TimedEquity] {
        // Recorded in time order but for a late arrival now and then: sorted only then.
        var own = samples
        if zip(own, own.dropFirst()).contains(where: { $0.timestamp > $1.timestamp }) { own.sort { $0.timestamp < $1.timestamp } }
        var path: [TimedEquity] = []
        path.reserveCapacity(own.count + 1)
        if let openingEquity {
            path.append(TimedEquity(timestamp: date.start, equity: openingEquity))
        } else if let before = own.last(where: { $0.timestamp < date.start }) {
            path.append(TimedEquity(timestamp: date.start, equity: before.equity))
        }
        // In time order, the samples from the date's start up to `end` are one run.
        let first = own.firstIndex { $0.timestamp >= date.start } ?? own.endIndex
        let last = own[first...].firstIndex { $0.timestamp > end || $0.timestamp >= date.end } ?? own.endIndex
        path += own[first..<last]
        return path
    }

    /// The hourly Sharpe ratio of `path` (in time order) from its first point to `end`.
    static func hourlySharpe(path: [TimedEquity], end: Timestamp) -> FixedPoint? {
        guard let first = path.first else { return nil }
        var gridEquity: [Double] = [first.equity.value.doubleValue]
        var index = 0
        var current = first.equity.value
        var point = first.timestamp
        while point < end {
            point = min(point.advanced(byNanoseconds: nanosecondsPerHour), end)
            while index < path.count, path[index].timestamp <= point {
                current = path[index].equity.value
                index += 1
            }
            gridEquity.append(current.doubleValue)
        }
        var returns: [Double] = []
        for k in 1..<gridEquity.count where gridEquity[k - 1] != 0 {
            returns.append(gridEquity[k] / gridEquity[k - 1] - 1)
        }
        guard returns.count >= 2 else { return nil }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        guard variance > 0 else { return nil }
        let sharpe = mean / variance.squareRoot() * Double(8760).squareRoot()
        guard sharpe.isFinite, abs(sharpe) < 1e12 else { return nil }
        return FixedPoint(raw: Int128((sharpe * 10_000).rounded()) * 100_000_000)
    }

    /// `numerator / denominator` rounded to nearest at 8 decimals; nil for a zero denominator.
    static func ratio(_ numerator: FixedPoint, _ denominator: FixedPoint) -> FixedPoint? {
        guard let quotient = try? numerator.divided(by: denominator, rounding: .toNearestOrAwayFromZero) else { return nil }
        return quotient.rounded(toMultipleOf: FixedPoint(units: 1, decimals: 8), .toNearestOrAwayFromZero)
    }
}
