import Foundation
import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Portfolio

/// 2024-03-01T00:00:00Z
let dayZero = UTCDate(dayNumber: 19_783)
func at(day: Int64 = 0, hours: Int64 = 0, minutes: Int64 = 0) -> Timestamp {
    dayZero.start.advanced(byNanoseconds: day * DailyPerformance.nanosecondsPerDay + (hours * 60 + minutes) * 60_000_000_000)
}

func closed(_ instrument: Instrument, strategy: StrategyName = "alpha", at time: Timestamp, filled: String, avg: String,
            commission: String, _ asset: String, realized: String) -> ClosedTrade {
    ClosedTrade(strategy: strategy, symbol: instrument.id, completedAt: time, filledQuantity: qty(filled), avgFillPrice: px(avg),
                commission: money(commission), commissionAsset: asset, realizedPnl: money(realized),
                contractValue: instrument.contractValue?.value)
}

@Suite("Daily performance rollup", .watchdog)
struct DailyPerformanceTests {
    @Test("one hand-computed day: counts, PnL, commission in quote, ratios, drawdown, Sharpe")
    func handComputedDay() throws {
        let trades = [
            closed(ethSpot, at: at(hours: 1), filled: "1", avg: "2000", commission: "0.5", "USDT", realized: "0"),
            closed(ethSpot, at: at(hours: 2), filled: "0.5", avg: "2010", commission: "0.0005", "ETH", realized: "30"),
            closed(ethSpot, at: at(hours: 3), filled: "0.4", avg: "2000", commission: "0.8", "USDT", realized: "-12"),
            closed(btcSwap, at: at(hours: 4), filled: "10", avg: "30000", commission: "0.3", "USDT", realized: "18"),
            // Another day and another strategy do not count.
            closed(ethSpot, at: at(day: 1), filled: "1", avg: "1", commission: "1", "USDT", realized: "5"),
            closed(ethSpot, strategy: "beta", at: at(hours: 5), filled: "1", avg: "1", commission: "1", "USDT", realized: "5"),
        ]
        let samples = [
            EquitySample(strategy: "alpha", timestamp: at(hours: 1, minutes: 30), equity: money("1010")),
            EquitySample(strategy: "alpha", timestamp: at(hours: 2, minutes: 30), equity: money("990")),
            EquitySample(strategy: "alpha", timestamp: at(hours: 3), equity: money("1020")),
            EquitySample(strategy: "alpha", timestamp: at(hours: 3, minutes: 45), equity: money("1015")),
        ]
        let row = DailyPerformance.compute(strategy: "alpha", date: dayZero, trades: trades, samples: samples,
                                           openingEquity: money("1000"), mode: .replay)
        #expect(row.date.description == "2024-03-01")
        #expect(row.totalTrades == 4)
        #expect(row.winningTrades == 2)
        #expect(row.losingTrades == 1)
        #expect(row.totalPnl == money("36"))
        // 0.5 + 0.0005 ETH × 2010 + 0.8 + 0.3
        #expect(row.totalCommission == money("2.605"))
        #expect(row.netPnl == money("33.395"))
        #expect(row.winRate == fp("66.66666667"))
        // Net of fees: (30 − 1.005 + 18 − 0.3) / 2, −12 − 0.8, 46.695 / 12.8
        #expect(row.avgWin == money("23.3475"))
        #expect(row.avgLoss == money("-12.8"))
        #expect(row.profitFactor == fp("3.64804688"))
        // 2000 + 1005 + 800 + 10 × 0.01 × 30 000
        #expect(row.totalVolume == money("6805"))
        // (1015 − 1000) / 1000 × 100
        #expect(row.returnPct == fp("1.5"))
        // From the 1010 peak down to 990: 20 / 1010 × 100
        #expect(row.maxDrawdown == fp("1.98019802"))
        #expect(!row.isPartialDay)
        #expect(row.mode == .replay)

        // Hourly grid: 1000, 1000, 1010, 1020, then 1015 for hours 4…24.
        let equity: [Double] = [1000, 1000, 1010, 1020] + Array(repeating: 1015, count: 21)
        let returns = (1..<equity.count).map { equity[$0] / equity[$0 - 1] - 1 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)).squareRoot()
        let sharpe = ((mean / deviation * 8760.0.squareRoot()) * 10_000).rounded() / 10_000
        let computed = try #require(row.sharpeRatio)
        #expect(abs(computed.doubleValue - sharpe) < 1e-9)
    }

    @Test("trades win or lose by realized PnL net of commission; opening trades are neither; total_pnl stays gross")
    func netOfFees() {
        let trades = [
            // A spread capture whose fee exceeds its edge: +0.5 realized, 0.8 fee, a loss.
            closed(ethSpot, at: at(hours: 1), filled: "1", avg: "2000", commission: "0.8", "USDT", realized: "0.5"),
            closed(ethSpot, at: at(hours: 2), filled: "1", avg: "2000", commission: "1", "USDT", realized: "10"),
            closed(ethSpot, at: at(hours: 3), filled: "1", avg: "2000", commission: "0.5", "USDT", realized: "-3"),
            // Opening: neither winning nor losing, but its fee counts.
            closed(ethSpot, at: at(hours: 4), filled: "1", avg: "2000", commission: "0.2", "USDT", realized: "0"),
        ]
        let row = DailyPerformance.compute(strategy: "alpha", date: dayZero, trades: trades, samples: [],
                                           openingEquity: money("1000"), mode: .paper)
        #expect(row.totalTrades == 4)
        #expect(row.winningTrades == 1)
        #expect(row.losingTrades == 2)
        #expect(row.totalPnl == money("7.5"))
        #expect(row.totalCommission == money("2.5"))
        #expect(row.netPnl == money("5"))
        #expect(row.winRate == fp("33.33333333"))
        #expect(row.avgWin == money("9"))
        // (−0.3 − 3.5) / 2
        #expect(row.avgLoss == money("-1.9"))
        // 9 / 3.8 = 2.368421052631…
        #expect(row.profitFactor == fp("2.36842105"))
        // A base-currency fee is valued at the fill price: 30 − 0.0005 × 2010.
        let baseFee = closed(ethSpot, at: at(hours: 5), filled: "0.5", avg: "2010", commission: "0.0005", "ETH", realized: "30")
        #expect(baseFee.netRealizedPnl == money("28.995"))
    }

    @Test("hourly Sharpe starts its grid at the first sample, not at midnight, and carries the last equity to the period end")
    func sharpeFromFirstSample() throws {
        let equity = ["1000", "1010", "1025", "1030", "1050", "1060"]
        func samples(from start: Timestamp) -> [EquitySample] {
            equity.enumerated().map { hour, value in
                EquitySample(strategy: "alpha", timestamp: start.advanced(byNanoseconds: Int64(hour) * DailyPerformance.nanosecondsPerHour),
                             equity: money(value))
            }
        }
        // Six grid points on the samples, then the period end carrying the last equity (a zero return).
        let values = equity.compactMap(Double.init) + [1060]
        let returns = (1..<values.count).map { values[$0] / values[$0 - 1] - 1 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)).squareRoot()
        let expected = ((mean / deviation * 8760.0.squareRoot()) * 10_000).rounded() / 10_000

        // Started at 18:00, sampled hourly to 23:00, the day ends at 24:00.
        let evening = DailyPerformance.compute(strategy: "alpha", date: dayZero, trades: [], samples: samples(from: at(hours: 18)),
                                               openingEquity: nil, mode: .paper)
        // The same six hours from 00:00 of the next day, shut down at 06:00.
        let morning = DailyPerformance.compute(strategy: "alpha", date: UTCDate(dayNumber: dayZero.dayNumber + 1), trades: [],
                                               samples: samples(from: at(day: 1)), openingEquity: nil,
                                               periodEnd: at(day: 1, hours: 6), mode: .paper)
        // Started off the hour: the grid is 18:20, 19:20, …, 23:20, then 24:00.
        let offHour = DailyPerformance.compute(strategy: "alpha", date: dayZero, trades: [],
                                               samples: samples(from: at(hours: 18, minutes: 20)), openingEquity: nil, mode: .paper)
        #expect(morning.isPartialDay && !evening.isPartialDay)
        for row in [evening, morning, offHour] {
            let sharpe = try #require(row.sharpeRatio)
            #expect(abs(sharpe.doubleValue - expected) < 1e-9)
        }
    }

    @Test("a day with no closing trades and flat equity has no ratios, zero drawdown and no Sharpe")
    func quietDay() {
        let row = DailyPerformance.compute(
            strategy: "alpha", date: dayZero,
            trades: [closed(ethSpot, at: at(hours: 1), filled: "1", avg: "2000", commission: "2", "USDT", realized: "0")],
            samples: [EquitySample(strategy: "alpha", timestamp: at(hours: 2), equity: money("1000"))],
            openingEquity: money("1000"), mode: .paper)
        #expect(row.totalTrades == 1 && row.winningTrades == 0 && row.losingTrades == 0)
        #expect(row.netPnl == money("-2"))
        #expect(row.winRate == nil && row.avgWin == nil && row.avgLoss == nil && row.profitFactor == nil)
        #expect(row.maxDrawdown == .zero)
        #expect(row.returnPct == .zero)
        #expect(row.sharpeRatio == nil)
    }

    @Test("a scripted three-day replay rolls up at each UTC midnight and on shutdown, equal to an independent recomputation")
    func multiDayReplay() throws {
        // A deterministic script: every 23 to 71 minutes one strategy samples its equity, and
        // every third step it also completes a trade.
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        func decimal(_ hundredths: Int) -> String {
            let sign = hundredths < 0 ? "-" : ""
            let magnitude = abs(hundredths)
            let cents = magnitude % 100
            return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
        }
        var trades: [ClosedTrade] = []
        var samples: [EquitySample] = []
        var equity: [StrategyName: Int] = ["alpha": 1_000_000, "beta": 500_000] // hundredths
        var time = at(minutes: 10)
        let shutdown = at(day: 2, hours: 5, minutes: 30)
        var step = 0
        while time < shutdown {
            let strategy: StrategyName = next(3) == 0 ? "beta" : "alpha"
            equity[strategy, default: 0] += next(10_001) - 5_000
            samples.append(EquitySample(strategy: strategy, timestamp: time, equity: money(decimal(equity[strategy] ?? 0))))
            if step % 3 == 0 {
                let realized = next(4) == 0 ? 0 : next(6_001) - 3_000
                let base = next(2) == 0
                trades.append(closed(base ? ethSpot : btcSwap, strategy: strategy, at: time,
                                     filled: base ? "0.\(1 + next(9))" : "\(1 + next(20))",
                                     avg: base ? "20\(10 + next(89)).5" : "3\(1000 + next(8999)).1",
                                     commission: base ? "0.000\(1 + next(9))" : decimal(1 + next(300)),
                                     base ? "ETH" : "USDT", realized: decimal(realized)))
            }
            step += 1
            time = time.advanced(byNanoseconds: Int64(23 + next(49)) * 60_000_000_000)
        }

        // The host's order of calls: sample and trade as they happen, partial day on shutdown.
        var tracker = DailyPerformanceTracker(mode: .replay)
        var rows: [DailyPerformance] = []
        var tradeIndex = 0
        for sample in samples {
            while tradeIndex < trades.count, trades[tradeIndex].completedAt <= sample.timestamp {
                rows += tracker.record(trades[tradeIndex])
                tradeIndex += 1
            }
            rows += tracker.record(sample)
        }
        rows += tracker.partialDay(until: shutdown)

        let expected = recompute(trades: trades, samples: samples, shutdown: shutdown)
        #expect(rows.count == expected.count)
        #expect(rows.count == 6) // two strategies on each of three days
        for (row, want) in zip(rows, expected) {
            #expect(row.strategy == want.strategy && row.date == want.date)
            #expect(row.isPartialDay == (row.date.dayNumber == dayZero.dayNumber + 2))
            #expect(row.totalTrades == want.totalTrades)
            #expect(row.winningTrades == want.winningTrades)
            #expect(row.losingTrades == want.losingTrades)
            #expect(dec(row.totalPnl.value) == want.totalPnl)
            #expect(dec(row.totalCommission.value) == want.totalCommission)
            #expect(dec(row.netPnl.value) == want.netPnl)
            #expect(row.winRate.map(dec) == want.winRate)
            #expect(row.avgWin.map { dec($0.value) } == want.avgWin)
            #expect(row.avgLoss.map { dec($0.value) } == want.avgLoss)
            #expect(row.profitFactor.map(dec) == want.profitFactor)
            #expect(dec(row.totalVolume.value) == want.totalVolume)
            #expect(row.returnPct.map(dec) == want.returnPct)
            #expect(dec(row.maxDrawdown) == want.maxDrawdown)
            #expect(abs((row.sharpeRatio?.doubleValue ?? .nan) - want.sharpe) < 1e-9)
        }
    }
}

// MARK: - An independent recomputation (Foundation Decimal for money, a direct scan for equity)

struct ExpectedRow {
    var strategy: StrategyName
    var date: UTCDate
    var totalTrades = 0, winningTrades = 0, losingTrades = 0
    var totalPnl = Decimal(0), totalCommission = Decimal(0), netPnl = Decimal(0), totalVolume = Decimal(0)
    var winRate: Decimal?, avgWin: Decimal?, avgLoss: Decimal?, profitFactor: Decimal?, returnPct: Decimal?
    var maxDrawdown = Decimal(0)
    var sharpe = Double.nan
}

func dec(_ value: FixedPoint) -> Decimal { Decimal(string: value.description) ?? .nan }
func rounded(_ value: Decimal, _ scale: Int) -> Decimal {
    var input = value
    var output = Decimal()
    NSDecimalRound(&output, &input, scale, .plain)
    return output
}

func recompute(trades: [ClosedTrade], samples: [EquitySample], shutdown: Timestamp) -> [ExpectedRow] {
    var rows: [ExpectedRow] = []
    let hour: Int64 = 3_600_000_000_000
    for day in 0..<Int64(3) {
        let date = UTCDate(dayNumber: dayZero.dayNumber + day)
        let end = min(date.end, shutdown)
        for strategy in [StrategyName("alpha"), "beta"] {
            let own = trades.filter { $0.strategy == strategy && $0.completedAt >= date.start && $0.completedAt < date.end }
            let ownSamples = samples.filter { $0.strategy == strategy }
            let daySamples = ownSamples.filter { $0.timestamp >= date.start && $0.timestamp <= end && $0.timestamp < date.end }
            guard !own.isEmpty || !daySamples.isEmpty else { continue }
            var row = ExpectedRow(strategy: strategy, date: date)
            var wins = Decimal(0), losses = Decimal(0)
            for trade in own {
                let pnl = dec(trade.realizedPnl.value)
                let avg = dec(trade.avgFillPrice.value)
                let commission = dec(trade.commission.value)
                let fee = trade.commissionAsset == trade.symbol.base ? rounded(commission * avg, 12) : commission
                row.totalTrades += 1
                row.totalPnl += pnl
                row.totalCommission += fee
                row.totalVolume += dec(trade.filledQuantity.value) * (trade.contractValue.map(dec) ?? 1) * avg
                let net = pnl - fee
                if pnl != 0 && net > 0 { row.winningTrades += 1; wins += net }
                if pnl != 0 && net < 0 { row.losingTrades += 1; losses += net }
            }
            row.netPnl = row.totalPnl - row.totalCommission
            let closing = row.winningTrades + row.losingTrades
            if closing > 0 { row.winRate = rounded(Decimal(row.winningTrades) * 100 / Decimal(closing), 8) }
            if row.winningTrades > 0 { row.avgWin = rounded(wins / Decimal(row.winningTrades), 12) }
            if row.losingTrades > 0 {
                row.avgLoss = rounded(losses / Decimal(row.losingTrades), 12)
                row.profitFactor = rounded(wins / -losses, 8)
            }
            // Equity: opening = last sample before the date, else the first of the date.
            let before = ownSamples.last { $0.timestamp < date.start }
            let opening = before.map { dec($0.equity.value) } ?? dec(daySamples[0].equity.value)
            let path = [opening] + daySamples.map { dec($0.equity.value) }
            if let last = path.last { row.returnPct = rounded((last - opening) * 100 / opening, 8) }
            var peak = Decimal(0)
            for value in path {
                peak = max(peak, value)
                row.maxDrawdown = max(row.maxDrawdown, rounded((peak - value) * 100 / peak, 8))
            }
            // Hourly grid from the path's first point (midnight when equity was carried from the
            // day before), read by scanning for the last sample at or before each point.
            var points: [Timestamp] = []
            var point = before == nil ? daySamples[0].timestamp : date.start
            while point < end {
                point = Timestamp(nanosecondsSinceEpoch: min(point.nanosecondsSinceEpoch + hour, end.nanosecondsSinceEpoch))
                points.append(point)
            }
            func equity(at point: Timestamp) -> Double {
                let value = daySamples.last { $0.timestamp <= point }.map { dec($0.equity.value) } ?? opening
                return NSDecimalNumber(decimal: value).doubleValue
            }
            let grid = [NSDecimalNumber(decimal: opening).doubleValue] + points.map(equity(at:))
            let returns = zip(grid.dropFirst(), grid).map { $0 / $1 - 1 }
            let mean = returns.reduce(0, +) / Double(returns.count)
            let sd = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)).squareRoot()
            row.sharpe = ((mean / sd * 8760.0.squareRoot()) * 10_000).rounded() / 10_000
            rows.append(row)
        }
    }
    return rows
}
