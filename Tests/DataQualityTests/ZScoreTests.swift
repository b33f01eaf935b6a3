import Foundation
import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// The rolling z-score of step returns: statistics, threshold edge, min samples, sigma floor, action.
@Suite(.watchdog) struct ZScoreTests {
    /// Mean and population standard deviation, computed the slow two-pass way.
    private func statistics(_ values: [Double]) -> (mean: Double, sigma: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    @Test func windowStatisticsMatchTwoPassAfterWrapping() {
        var window = ReturnWindow(capacity: 7)
        var all: [Double] = []
        var state: UInt64 = 42
        for _ in 0..<1000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = Double(Int64(bitPattern: state >> 11) % 2000 - 1000) * 1e-6
            window.push(value)
            all.append(value)
            let expected = statistics(Array(all.suffix(7)))
            #expect(abs(window.mean - expected.mean) < 1e-15)
            #expect(abs(window.standardDeviation - expected.sigma) < 1e-12)
        }
        #expect(window.count == 7)
    }

    /// Feeds alternating prices so the window holds `count` known returns; returns the control,
    /// the last accepted price and the returns.
    private func primed(count: Int, action: QualityRules.OutlierAction, minSamples: Int) throws -> (QualityControl, Double, [Double]) {
        let control = try Make.control {
            $0.zScore = .init(action: action, window: 50, threshold: 3, minSamples: minSamples, minSigmaBasisPoints: 0)
        }
        let prices = ["100", "101", "100.5", "101.5"]
        var returns: [Double] = []
        var previous = 0.0
        for index in 0...count {
            let text = prices[index % prices.count]
            let value = Double(text) ?? 0
            #expect(control.check(trade: try Make.trade(text, id: "\(index)"), now: Make.time()) == .accept)
            if index > 0 { returns.append((value - previous) / previous) }
            previous = value
        }
        return (control, previous, returns)
    }

    @Test(arguments: [QualityRules.OutlierAction.flag, .reject])
    func thresholdEdge(action: QualityRules.OutlierAction) throws {
        let (control, last, returns) = try primed(count: 20, action: action, minSamples: 20)
        let (mean, sigma) = statistics(returns)
        // The price whose step return is exactly 3 sigma above the mean, then just inside and outside.
        let boundary = last * (1 + mean + 3 * sigma)
        let inside = String(format: "%.9f", boundary - 1e-6)
        let outside = String(format: "%.9f", boundary + 1e-6)
        let flaggedOrRejected: QualityVerdict = action == .flag ? .flag(.zScoreOutlier) : .reject(.zScoreOutlier)
        #expect(control.check(trade: try Make.trade(outside, id: "out"), now: Make.time()) == flaggedOrRejected)
        if action == .reject {
            // The refused price left the reference and window untouched: the inside price still passes.
            #expect(control.check(trade: try Make.trade(inside, id: "in"), now: Make.time()) == .accept)
        } else {
            let (fresh, _, _) = try primed(count: 20, action: action, minSamples: 20)
            #expect(fresh.check(trade: try Make.trade(inside, id: "in"), now: Make.time()) == .accept)
        }
    }

    @Test func noJudgementBeforeMinSamples() throws {
        // 19 returns with min_samples 20: a 4 % jump (within the 5 % deviation) is not judged.
        let (early, _, _) = try primed(count: 19, action: .flag, minSamples: 20)
        #expect(early.check(trade: try Make.trade("105", id: "jump"), now: Make.time()) == .accept)
        let (ready, _, _) = try primed(count: 20, action: .flag, minSamples: 20)
        #expect(ready.check(trade: try Make.trade("105", id: "jump"), now: Make.time()) == .flag(.zScoreOutlier))
    }

    @Test func sigmaFloorKeepsAQuietStreamFromFlaggingEveryTick() throws {
        // 60 identical prices: sigma is 0. With the 5 bps floor and threshold 6, the limit is a
        // 30 bps step: 29.99 bps passes, 30.01 bps is flagged.
        func quiet() throws -> QualityControl {
            let control = try Make.control()
            for index in 0..<60 { _ = control.check(trade: try Make.trade("100", id: "\(index)"), now: Make.time()) }
            return control
        }
        #expect(try quiet().check(trade: try Make.trade("100.2999", id: "x"), now: Make.time()) == .accept)
        #expect(try quiet().check(trade: try Make.trade("100.3001", id: "x"), now: Make.time()) == .flag(.zScoreOutlier))
    }

    @Test func offMeansNoJudgement() throws {
        let (control, _, _) = try primed(count: 20, action: .off, minSamples: 20)
        #expect(control.check(trade: try Make.trade("104.9", id: "jump"), now: Make.time()) == .accept)
    }

    @Test func rejectedOutliersReanchorLikeDeviations() throws {
        let (control, _, _) = try primed(count: 20, action: .reject, minSamples: 20)
        #expect(control.check(trade: try Make.trade("104.5", id: "a"), now: Make.time()) == .reject(.zScoreOutlier))
        #expect(control.check(trade: try Make.trade("104.6", id: "b"), now: Make.time()) == .reject(.zScoreOutlier))
        #expect(control.check(trade: try Make.trade("104.7", id: "c"), now: Make.time()) == .flag(.reanchored))
    }
}
