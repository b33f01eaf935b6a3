import Foundation
import TradingCore

/// The statistics of one backtest (a strategy, or all of them together), each defined once here.
///
/// Conventions for all of them: returns and drawdowns are fractions (0.05 is 5 %); amounts are
/// exact, in the quote currency; ratios are computed in binary floating point (statistics, not
/// money). Equity is capital + realized PnL + unrealized PnL − fees, read at every point the
/// series has (a fill, a mark of the position, the start and the end). A year is 365 days
/// (crypto trades every day). A statistic that is undefined for the data (too few returns, no
/// losing trade, zero deviation) is nil, never 0 or infinity.
public struct PerformanceStatistics: Hashable, Sendable {
    /// Equity at the first point of the series.
    public var startEquity: Money
    /// Equity at the last point of the series.
    public var endEquity: Money
    /// `endEquity − startEquity`: PnL after fees, realized and unrealized.
    public var netPnl: Money
    /// `endEquity / startEquity − 1`; nil when the start equity is not positive.
    public var totalReturn: Double?
    /// Compound annual growth: `(1 + totalReturn)^(365 days / span) − 1`, span the time from the
    /// first point to the last; nil for a span under one day (annualizing minutes only amplifies
    /// noise) or a result that is not finite.
    public var annualizedReturn: Double?
    /// The period of the returns behind ``sharpe`` and ``sortino`` (``ReturnPeriod/fitting(span:)``).
    public var returnPeriod: ReturnPeriod
    /// How many period returns there were.
    public var periodReturns: Int
    /// Annualized Sharpe ratio: `(mean(r) − rf) / s(r) × √N`, where r are the simple returns of
    /// equity resampled every ``returnPeriod`` (``EquitySeries/resampled(_:every:)``), s the
    /// **sample** standard deviation (n − 1), N the periods per year (365 daily, 8,760 hourly,
    /// 525,600 per minute) and rf the risk-free rate per period, `riskFreeRate / N` (0 unless
    /// configured). Nil with fewer than two returns or zero deviation.
    public var sharpe: Double?
    /// Annualized Sortino ratio: `(mean(r) − rf) / d × √N` with the same r, rf and N as
    /// ``sharpe``, and d the downside deviation `√(Σ min(0, r − rf)² / n)` over **all** n returns
    /// (target rf). Nil with fewer than two returns or no return below rf.
    public var sortino: Double?
    /// `annualizedReturn / maxDrawdown`; nil when either is nil or the drawdown is 0.
    public var calmar: Double?
    /// The largest fall from a running peak of equity, as a fraction of that peak, over every
    /// point of the series (not the resampled one): `max_t (peak_t − E_t) / peak_t`.
    public var maxDrawdown: Double
    /// The longest time under water: from a peak to the first later point whose equity is at
    /// or above it again, or to the last point when it never is (see ``drawdownRecovered``).
    /// In nanoseconds; 0 when equity never fell below a peak.
    public var maxDrawdownDuration: Int64
    /// Whether the longest drawdown ended (equity regained its peak) before the series did.
    public var drawdownRecovered: Bool
    /// ``winningTrades`` over ``winningTrades`` + ``losingTrades``: a closing trade
    /// (``TradeResult/isClosing``) of exactly zero net PnL counts as neither, as in the daily
    /// rollup; nil without a winning or losing trade.
    public var winRate: Double?
    /// Σ net PnL of winning closed trades / |Σ net PnL of losing closed trades|; nil without a
    /// losing trade.
    public var profitFactor: Double?
    /// Mean net PnL of the winning closed trades; nil without one.
    public var averageWin: Money?
    /// Mean net PnL of the losing closed trades (negative); nil without one.
    public var averageLoss: Money?
    /// The fraction of the series' span during which a position was held (any size, any side).
    public var exposure: Double
    /// Σ fees of every trade, in the quote currency.
    public var fees: Money
    /// Orders that ended with some size filled (opening and closing).
    public var trades: Int
    /// Closed trades with a positive net PnL (after the trade's fee).
    public var winningTrades: Int
    /// Closed trades with a negative net PnL (after the trade's fee).
    public var losingTrades: Int

    /// Computes every statistic of an equity series (time order), its trades and its exposure
    /// changes (time order). `riskFreeRate` is annual (0.03 is 3 %).
    public static func compute(equity: [EquityPoint], trades: [TradeResult], exposure: [ExposureChange] = [],
                               riskFreeRate: Double = 0) -> PerformanceStatistics {
        let start = equity.first?.equity ?? .zero
        let end = equity.last?.equity ?? start
        let span = (equity.first?.time).map { first in (equity.last?.time ?? first).nanoseconds(since: first) } ?? 0
        let period = ReturnPeriod.fitting(span: span)
        let returns = EquitySeries.returns(EquitySeries.resampled(equity, every: period))
        let riskFreePerPeriod = riskFreeRate / period.periodsPerYear

        var result = PerformanceStatistics(
            startEquity: start, endEquity: end, netPnl: end - start, totalReturn: nil, annualizedReturn: nil,
            returnPeriod: period, periodReturns: returns.count, sharpe: nil, sortino: nil, calmar: nil, maxDrawdown: 0,
            maxDrawdownDuration: 0, drawdownRecovered: true, winRate: nil, profitFactor: nil, averageWin: nil,
            averageLoss: nil, exposure: 0, fees: .zero, trades: trades.count, winningTrades: 0, losingTrades: 0)

        let startValue = start.value.doubleValue
        if startValue > 0 {
            let total = end.value.doubleValue / startValue - 1
            result.totalReturn = total
            let days = Double(span) / Double(ReturnPeriod.day.nanoseconds)
            if days >= 1 {
                let annual = pow(1 + total, 365 / days) - 1
                if annual.isFinite { result.annualizedReturn = annual }
            }
        }
        result.sharpe = sharpe(returns, riskFreePerPeriod: riskFreePerPeriod, periodsPerYear: period.periodsPerYear)
        result.sortino = sortino(returns, riskFreePerPeriod: riskFreePerPeriod, periodsPerYear: period.periodsPerYear)

        let (drawdown, duration, recovered) = drawdown(equity)
        result.maxDrawdown = drawdown
        result.maxDrawdownDuration = duration
        result.drawdownRecovered = recovered
        if let annual = result.annualizedReturn, drawdown > 0 { result.calmar = annual / drawdown }

        var wins = Money.zero
        var losses = Money.zero
        for trade in trades {
            result.fees += trade.fee
            guard trade.isClosing else { continue }
            let net = trade.netPnl
            if net.value.isPositive {
                result.winningTrades += 1
                wins += net
            } else if net.isNegative {
                result.losingTrades += 1
                losses += net
            }
        }
        let closed = result.winningTrades + result.losingTrades
        if closed > 0 { result.winRate = Double(result.winningTrades) / Double(closed) }
        if result.winningTrades > 0 { result.averageWin = mean(wins, count: result.winningTrades) }
        if result.losingTrades > 0 {
            result.averageLoss = mean(losses, count: result.losingTrades)
            result.profitFactor = wins.value.doubleValue / losses.value.magnitude.doubleValue
        }
        if let first = equity.first?.time, span > 0 {
            result.exposure = Double(exposedNanoseconds(exposure, from: first, to: first.advanced(byNanoseconds: span))) / Double(span)
        }
        return result
    }

    static func sharpe(_ returns: [Double], riskFreePerPeriod: Double, periodsPerYear: Double) -> Double? {
        guard returns.count >= 2 else { return nil }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        guard variance > 0 else { return nil }
        return finite((mean - riskFreePerPeriod) / variance.squareRoot() * periodsPerYear.squareRoot())
    }

    static func sortino(_ returns: [Double], riskFreePerPeriod: Double, periodsPerYear: Double) -> Double? {
        guard returns.count >= 2 else { return nil }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let downside = returns.reduce(0) { sum, r in
            let shortfall = min(0, r - riskFreePerPeriod)
            return sum + shortfall * shortfall
        } / Double(returns.count)
        guard downside > 0 else { return nil }
        return finite((mean - riskFreePerPeriod) / downside.squareRoot() * periodsPerYear.squareRoot())
    }

    /// The maximum drawdown, the longest time under water and whether that time ended.
    static func drawdown(_ equity: [EquityPoint]) -> (Double, Int64, Bool) {
        var maxDrawdown = 0.0
        var longest: Int64 = 0
        var recovered = true
        var peak: EquityPoint?
        var underwaterSince: Timestamp?
        for point in equity {
            guard let top = peak, point.equity < top.equity else {
                if let since = underwaterSince, point.time.nanoseconds(since: since) > longest {
                    longest = point.time.nanoseconds(since: since)
                    recovered = true
                }
                peak = point
                underwaterSince = nil
                continue
            }
            if underwaterSince == nil { underwaterSince = top.time }
            let topValue = top.equity.value.doubleValue
            if topValue > 0 { maxDrawdown = max(maxDrawdown, (topValue - point.equity.value.doubleValue) / topValue) }
        }
        if let since = underwaterSince, let last = equity.last, last.time.nanoseconds(since: since) > longest {
            longest = last.time.nanoseconds(since: since)
            recovered = false
        }
        return (maxDrawdown, longest, recovered)
    }

    /// How long a position was held between `start` and `end`, from the flat/holding changes.
    static func exposedNanoseconds(_ changes: [ExposureChange], from start: Timestamp, to end: Timestamp) -> Int64 {
        var total: Int64 = 0
        var since: Timestamp?
        for change in changes {
            let time = min(max(change.time, start), end)
            if change.exposed, since == nil {
                since = time
            } else if !change.exposed, let opened = since {
                total += time.nanoseconds(since: opened)
                since = nil
            }
        }
        if let opened = since { total += end.nanoseconds(since: opened) }
        return total
    }

    static func mean(_ sum: Money, count: Int) -> Money {
        Money((try? sum.value.divided(by: FixedPoint(count), rounding: .toNearestOrAwayFromZero)) ?? .zero)
    }

    static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
}
