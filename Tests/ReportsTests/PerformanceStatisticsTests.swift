import Analytics
import TestSupport
import Testing
import TradingCore

/// Every statistic against numbers worked out by hand (the arithmetic is in the comments).
@Suite(.watchdog) struct PerformanceStatisticsTests {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_704_067_200_000) // 2024-01-01T00:00Z
    static func minute(_ m: Double) -> Timestamp { t0.advanced(byNanoseconds: Int64(m * 60_000_000_000)) }
    static func day(_ d: Int64) -> Timestamp { t0.advanced(byNanoseconds: d * 86_400_000_000_000) }
    static func money(_ text: String) -> Money { (try? Money(parsing: text)) ?? .zero }
    static func point(_ time: Timestamp, _ equity: String) -> EquityPoint { EquityPoint(time: time, equity: money(equity)) }
    static func trade(_ realized: String, fee: String = "1") -> TradeResult {
        TradeResult(strategy: "s", symbol: "BTC-USDT", side: .sell, completedAt: t0, quantity: Quantity(FixedPoint(1)),
                    averagePrice: Price(FixedPoint(100)), fee: money(fee), realizedPnl: money(realized))
    }

    static func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// Four minutes: 100, 110, 99, 108.9, 108.9 (a span under 30 hours, so minute returns).
    @Test func returnsRatiosAndDrawdownOfAShortSeries() {
        let equity = [Self.point(Self.minute(0), "100"), Self.point(Self.minute(1), "110"), Self.point(Self.minute(2), "99"),
                      Self.point(Self.minute(3), "108.9"), Self.point(Self.minute(4), "108.9")]
        let s = PerformanceStatistics.compute(equity: equity, trades: [])
        #expect(s.returnPeriod == .minute && s.periodReturns == 4)
        // net 108.9 − 100 = 8.9; total return 108.9 / 100 − 1 = 0.089.
        #expect(s.netPnl == Self.money("8.9"))
        #expect(Self.close(s.totalReturn, 0.089))
        // Four minutes is under a day: no annualized return, hence no Calmar.
        #expect(s.annualizedReturn == nil && s.calmar == nil)
        // r = +0.1, −0.1, +0.1, 0; mean 0.025; deviations 0.075, −0.125, 0.075, −0.025;
        // squares 0.005625 + 0.015625 + 0.005625 + 0.000625 = 0.0275; sample variance 0.0275 / 3;
        // s = 0.0957427; Sharpe = 0.025 / 0.0957427 × √525600 (= 724.98276) = 189.30495.
        #expect(Self.close(s.sharpe, 189.30494878994483))
        // Downside: only −0.1 counts: √(0.01 / 4) = 0.05; Sortino = 0.025 / 0.05 × 724.98276 = 362.49138.
        #expect(Self.close(s.sortino, 362.49137920783716))
        // Peak 110 (minute 1), trough 99: (110 − 99) / 110 = 0.1; never back to 110: under water
        // from minute 1 to the end (minute 4) = 180 s, not recovered.
        #expect(Self.close(s.maxDrawdown, 0.1))
        #expect(s.maxDrawdownDuration == 180_000_000_000 && !s.drawdownRecovered)
    }

    /// 73 days (≥ 30 days, so daily returns): 1000, a dip to 950 on day 10, 1100 on day 73.
    @Test func annualizedReturnCalmarAndDailySharpe() {
        let equity = [Self.point(Self.day(0), "1000"), Self.point(Self.day(10), "950"), Self.point(Self.day(73), "1100")]
        let s = PerformanceStatistics.compute(equity: equity, trades: [])
        #expect(s.returnPeriod == .day && s.periodReturns == 73)
        // 365 / 73 = 5 years per span: (1.1)^5 − 1 = 0.61051.
        #expect(Self.close(s.annualizedReturn, 0.61051))
        // Drawdown 50 / 1000 = 0.05, under water from day 0 to day 73 (1100 ≥ 1000): recovered.
        #expect(Self.close(s.maxDrawdown, 0.05))
        #expect(s.maxDrawdownDuration == 73 * 86_400_000_000_000 && s.drawdownRecovered)
        // Calmar 0.61051 / 0.05 = 12.2102.
        #expect(Self.close(s.calmar, 12.2102))
        // Daily grid: 9 zero returns, −0.05 on day 10, 62 zeros, 1100 / 950 − 1 = 0.1578947 on day 73.
        // mean = 0.1078947 / 73 = 0.00147801; sample variance = (Σr² − 73 × mean²) / 72 = 0.000378768;
        // Sharpe = 0.00147801 / 0.0194620 × √365 = 1.4508995.
        #expect(Self.close(s.sharpe, 1.4508995027820322))
        // Downside √(0.0025 / 73) = 0.00585206; Sortino = 0.00147801 / 0.00585206 × √365 = 4.8251993.
        #expect(Self.close(s.sortino, 4.825199319867963))
    }

    /// A risk-free rate moves Sharpe by rf per period: 3 % a year is 0.03 / 525600 a minute.
    @Test func aRiskFreeRateIsTakenPerPeriod() {
        let equity = [Self.point(Self.minute(0), "100"), Self.point(Self.minute(1), "110"), Self.point(Self.minute(2), "99"),
                      Self.point(Self.minute(3), "108.9"), Self.point(Self.minute(4), "108.9")]
        let s = PerformanceStatistics.compute(equity: equity, trades: [], riskFreeRate: 0.03)
        // (0.025 − 0.03 / 525600) / 0.0957427 × 724.98276
        let expected = (0.025 - 0.03 / 525_600) / (0.0275 / 3).squareRoot() * 525_600.0.squareRoot()
        #expect(Self.close(s.sharpe, expected))
    }

    @Test func tradeStatisticsCountClosingTradesNetOfFees() {
        // One opening trade (realizes 0: neither won nor lost) and four closing ones, fee 1 each:
        // nets 19, −11, 4, −0.5 (realized 0.5 but paid 1: a loss).
        let trades = [Self.trade("0"), Self.trade("20"), Self.trade("-10"), Self.trade("5"), Self.trade("0.5")]
        let equity = [Self.point(Self.minute(0), "100"), Self.point(Self.minute(4), "108.5")]
        let exposure = [ExposureChange(time: Self.minute(0.5), exposed: true), ExposureChange(time: Self.minute(2.5), exposed: false),
                        ExposureChange(time: Self.minute(3), exposed: true)]
        let s = PerformanceStatistics.compute(equity: equity, trades: trades, exposure: exposure)
        #expect(s.trades == 5 && s.winningTrades == 2 && s.losingTrades == 2)
        // 2 won of 4 closed = 0.5; profit factor (19 + 4) / |−11 − 0.5| = 23 / 11.5 = 2.
        #expect(Self.close(s.winRate, 0.5))
        #expect(Self.close(s.profitFactor, 2))
        // Average win 23 / 2 = 11.5; average loss −11.5 / 2 = −5.75; fees 5 × 1.
        #expect(s.averageWin == Self.money("11.5") && s.averageLoss == Self.money("-5.75"))
        #expect(s.fees == Self.money("5"))
        // Held 0.5 → 2.5 (2 min) and 3 → 4 (1 min, to the end) of 4 minutes: 0.75.
        #expect(Self.close(s.exposure, 0.75))
    }

    @Test func undefinedStatisticsAreNilNotZeroOrInfinite() {
        let flat = [Self.point(Self.minute(0), "100"), Self.point(Self.minute(5), "100")]
        let s = PerformanceStatistics.compute(equity: flat, trades: [Self.trade("0")])
        // Zero deviation, no return below zero, no closed trade, no losing trade.
        #expect(s.sharpe == nil && s.sortino == nil && s.winRate == nil && s.profitFactor == nil)
        #expect(s.averageWin == nil && s.averageLoss == nil)
        #expect(s.maxDrawdown == 0 && s.maxDrawdownDuration == 0 && s.drawdownRecovered)
        let empty = PerformanceStatistics.compute(equity: [], trades: [])
        #expect(empty.trades == 0 && empty.totalReturn == nil && empty.sharpe == nil)
    }

    @Test func theReturnPeriodIsTheLongestWithThirtyReturns() {
        #expect(ReturnPeriod.fitting(span: 30 * ReturnPeriod.day.nanoseconds) == .day)
        #expect(ReturnPeriod.fitting(span: 29 * ReturnPeriod.day.nanoseconds) == .hour)
        #expect(ReturnPeriod.fitting(span: 30 * ReturnPeriod.hour.nanoseconds) == .hour)
        #expect(ReturnPeriod.fitting(span: 29 * ReturnPeriod.hour.nanoseconds) == .minute)
    }

    @Test func calendarReturnsByUTCDayAndMonth() {
        let hour: Int64 = 3_600_000_000_000
        let jan31 = Self.day(30)
        let equity = [EquityPoint(time: jan31.advanced(byNanoseconds: 12 * hour), equity: Self.money("1000")),
                      EquityPoint(time: jan31.advanced(byNanoseconds: 23 * hour), equity: Self.money("1010")),
                      EquityPoint(time: jan31.advanced(byNanoseconds: 25 * hour), equity: Self.money("1030")),
                      EquityPoint(time: Self.day(59), equity: Self.money("1000"))] // 2024-02-29
        // Days: 01-31 +10 (1010 − 1000), 02-01 +20 (1030 − 1010), 02-29 −30 (1000 − 1030).
        #expect(CalendarReturns.days(equity).map(\.label) == ["2024-01-31", "2024-02-01", "2024-02-29"])
        #expect(CalendarReturns.days(equity).map(\.pnl) == [Self.money("10"), Self.money("20"), Self.money("-30")])
        // Months: January 1010 / 1000 − 1 = 0.01; February 1000 / 1010 − 1 = −0.00990099.
        let months = CalendarReturns.months(equity)
        #expect(months.map(\.month) == [1, 2] && months.allSatisfy { $0.year == 2024 })
        #expect(Self.close(months.first?.change, 0.01) && Self.close(months.last?.change, 1000.0 / 1010 - 1))
    }

    @Test func seriesSumCarriesEachStrategysLatestEquity() {
        let a = [Self.point(Self.minute(0), "100"), Self.point(Self.minute(2), "110")]
        let b = [Self.point(Self.minute(1), "50"), Self.point(Self.minute(2), "40")]
        // minute 0: 100 + 50 (b's capital counts from the start); 1: 100 + 50; 2: 110 + 40.
        #expect(EquitySeries.sum([a, b]).map(\.equity) == [Self.money("150"), Self.money("150"), Self.money("150")])
        #expect(EquitySeries.drawdowns([Self.point(Self.minute(0), "100"), Self.point(Self.minute(1), "80")]) == [0, 0.2])
    }
}
