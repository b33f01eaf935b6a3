import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Indicators against straightforward reference computations over long pseudo-random series with
/// price-like magnitudes (where naive running sums lose precision).
@Suite(.watchdog) struct IndicatorTests {
    /// A deterministic random walk around 60 000 with cent-sized steps.
    static func series(count: Int, seed: UInt64 = 42) -> [Double] {
        var state = seed
        var price = 60_000.0
        var values: [Double] = []
        for _ in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let step = Double(Int64(bitPattern: state >> 11) % 2001 - 1000) / 100
            price += step
            values.append(price)
        }
        return values
    }

    static func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }

    static func standardDeviation(_ values: ArraySlice<Double>, sample: Bool) -> Double {
        let average = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        return (squares / Double(values.count - (sample ? 1 : 0))).squareRoot()
    }

    @Test(arguments: [1, 2, 7, 50])
    func simpleMovingAverageMatchesReference(period: Int) throws {
        var sma = try SimpleMovingAverage(period: period)
        let values = Self.series(count: 5_000)
        for (index, value) in values.enumerated() {
            let result = sma.update(value)
            if index + 1 < period {
                #expect(result == nil)
            } else {
                let reference = Self.mean(values[(index + 1 - period)...index])
                #expect(abs(try #require(result) - reference) < 1e-7)
            }
        }
    }

    @Test func simpleMovingAverageSmallExample() throws {
        var sma = try SimpleMovingAverage(period: 3)
        #expect(sma.update(1) == nil)
        #expect(sma.update(2) == nil)
        #expect(sma.update(3) == 2)
        #expect(sma.update(10) == 5)
        sma.reset()
        #expect(sma.value == nil)
        #expect(throws: IndicatorError.nonPositivePeriod(0)) { try SimpleMovingAverage(period: 0) }
    }

    @Test func exponentialMovingAverageMatchesReference() throws {
        let period = 10
        var ema = try ExponentialMovingAverage(period: period)
        let values = Self.series(count: 2_000)
        var reference: Double?
        let alpha = 2.0 / Double(period + 1)
        for (index, value) in values.enumerated() {
            let result = ema.update(value)
            if index + 1 == period {
                reference = Self.mean(values[0..<period])
            } else if let previous = reference {
                reference = alpha * value + (1 - alpha) * previous
            }
            if let reference {
                #expect(abs(try #require(result) - reference) < 1e-7)
            } else {
                #expect(result == nil)
            }
        }
    }

    @Test func exponentialMovingAverageSmallExample() throws {
        var ema = try ExponentialMovingAverage(period: 3) // alpha 0.5
        #expect(ema.update(2) == nil)
        #expect(ema.update(4) == nil)
        #expect(ema.update(6) == 4)   // seed: SMA of 2, 4, 6
        #expect(ema.update(10) == 7)  // 4 + 0.5 × (10 − 4)
    }

    @Test(arguments: [RollingStatistics.Estimator.population, .sample])
    func rollingStatisticsMatchReference(estimator: RollingStatistics.Estimator) throws {
        let period = 20
        var statistics = try RollingStatistics(period: period, estimator: estimator)
        let values = Self.series(count: 10_000, seed: 7)
        for (index, value) in values.enumerated() {
            statistics.update(value)
            guard index + 1 >= period else {
                #expect(statistics.standardDeviation == nil)
                continue
            }
            let window = values[(index + 1 - period)...index]
            let deviation = Self.standardDeviation(window, sample: estimator == .sample)
            #expect(abs(try #require(statistics.average) - Self.mean(window)) < 1e-7)
            #expect(abs(try #require(statistics.standardDeviation) - deviation) < 1e-6)
            let z = (value - Self.mean(window)) / deviation
            #expect(abs(try #require(statistics.latestZScore) - z) < 1e-6)
        }
    }

    @Test func rollingStatisticsSmallExampleAndConstantWindow() throws {
        var statistics = try RollingStatistics(period: 4)
        for value in [2.0, 4, 4, 4] { statistics.update(value) }
        #expect(statistics.average == 3.5)
        #expect(abs(try #require(statistics.standardDeviation) - 0.8660254037844386) < 1e-12)
        var constant = try RollingStatistics(period: 3)
        for _ in 0..<5 { constant.update(5) }
        #expect(constant.standardDeviation == 0)
        #expect(constant.zScore(of: 6) == nil) // undefined, not infinite
        #expect(throws: IndicatorError.nonPositivePeriod(1)) { try RollingStatistics(period: 1) }
    }

    @Test func sessionAndRollingVWAPMatchReference() throws {
        var session = VolumeWeightedAveragePrice()
        var rolling = try VolumeWeightedAveragePrice(window: 25)
        let prices = Self.series(count: 600, seed: 3)
        let volumes = Self.series(count: 600, seed: 4).map { ($0.truncatingRemainder(dividingBy: 1) + 0.01) * 2 }
        for index in prices.indices {
            session.update(price: prices[index], volume: volumes[index])
            rolling.update(price: prices[index], volume: volumes[index])
            func vwap(_ range: ClosedRange<Int>) -> Double {
                range.reduce(0) { $0 + prices[$1] * volumes[$1] } / range.reduce(0) { $0 + volumes[$1] }
            }
            #expect(abs(try #require(session.value) - vwap(0...index)) < 1e-6)
            #expect(abs(try #require(rolling.value) - vwap(max(0, index - 24)...index)) < 1e-6)
        }
        session.reset()
        #expect(session.value == nil)
        var small = VolumeWeightedAveragePrice()
        small.update(price: 100, volume: 1)
        #expect(small.update(price: 110, volume: 3) == 107.5)
    }

    @Test func timeBarSamplerClosesBarsOnEventTime() throws {
        var sampler = try TimeBarSampler(seconds: 5)
        func at(_ seconds: Double) -> Timestamp { Timestamp(nanosecondsSinceEpoch: Int64(seconds * 1e9)) }
        #expect(sampler.update(price: 1, at: at(0)) == nil)
        #expect(sampler.update(price: 2, at: at(4.9)) == nil)
        #expect(sampler.update(price: 3, at: at(5)) == 2)   // bar [0, 5) closed at 2
        #expect(sampler.update(price: 4, at: at(17)) == 3)  // empty bars skipped
        #expect(sampler.update(price: 5, at: at(18)) == nil)
    }

    @Test func rollingWindowKeepsTheNewestValues() throws {
        var window = try RollingWindow(capacity: 3)
        #expect(window.push(1) == nil)
        window.push(2)
        window.push(3)
        #expect(window.push(4) == 1)
        #expect(window.value(ago: 0) == 4)
        #expect(window.value(ago: 2) == 2)
        #expect(window.value(ago: 3) == nil)
        var seen: [Double] = []
        window.forEach { seen.append($0) }
        #expect(seen == [2, 3, 4])
    }
}
