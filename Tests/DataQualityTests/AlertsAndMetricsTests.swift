import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// Burst alerts, counters, the status snapshot and system_metrics rows.
@Suite(.watchdog) struct AlertsAndMetricsTests {
    private func burstControl() throws -> QualityControl {
        try Make.control { $0.burst = .init(enabled: true, rejections: 3, windowNanoseconds: ms(1000), cooldownNanoseconds: ms(5000)) }
    }

    /// Three zero-price trades (rejected) at the given millisecond offsets.
    private func reject(_ control: QualityControl, at offsets: [Int64], nanoseconds: Int64 = 0, instrument: String = "BTC-USDT") throws {
        for (index, offset) in offsets.enumerated() {
            let now = Make.time(offset, nanoseconds: index == offsets.count - 1 ? nanoseconds : 0)
            _ = control.check(trade: try Make.trade("0", id: "\(offset)-\(index)", at: now, instrument: instrument), now: now)
        }
    }

    @Test func burstAtTheWindowEdgeRaisesOneAlert() throws {
        let control = try burstControl()
        try reject(control, at: [0, 500, 1000])
        #expect(control.hasPendingAlerts)
        let alerts = control.drainAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.instrument == (try Make.instrument()))
        #expect(alert.rejections == 3)
        #expect(alert.threshold == 3)
        #expect(alert.dominantReason == .nonPositivePrice)
        #expect(alert.firstRejectionAt == Make.time(0))
        #expect(alert.raisedAt == Make.time(1000))
        #expect(!control.hasPendingAlerts)
        #expect(control.drainAlerts().isEmpty)
    }

    @Test func rejectionsSpreadBeyondTheWindowRaiseNothing() throws {
        let control = try burstControl()
        try reject(control, at: [0, 500, 1000], nanoseconds: 1)
        #expect(!control.hasPendingAlerts)
    }

    @Test func cooldownAndPerInstrumentBursts() throws {
        let control = try burstControl()
        try reject(control, at: [0, 10, 20, 30, 40, 50])  // one burst, then more within the cooldown
        #expect(control.drainAlerts().count == 1)
        try reject(control, at: [0, 10, 20], instrument: "ETH-USDT")  // its own detector
        #expect(control.drainAlerts().map { $0.instrument.symbol } == ["ETH-USDT"])
        try reject(control, at: [5020, 5030, 5040])  // after the cooldown: a new alert
        #expect(control.drainAlerts().count == 1)
        #expect(control.alertsRaised == 3)
    }

    @Test func flagsDoNotCountTowardsBursts() throws {
        let control = try burstControl()
        for index in 0..<10 {
            _ = control.check(ticker: try Make.ticker(last: "100", bid: "101", ask: "100"), now: Make.time(Int64(index)))
        }
        #expect(!control.hasPendingAlerts)
    }

    @Test func snapshotCountsPerInstrumentAndReason() throws {
        let control = try Make.control()
        let now = Make.time()
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        _ = control.check(trade: try Make.trade("0", id: "2"), now: now)
        _ = control.check(ticker: try Make.ticker(last: "100", bid: "101", ask: "100"), now: now)
        _ = control.check(trade: try Make.trade("50", id: "3", instrument: "ETH-USDT"), now: now)
        let snapshot = control.snapshot(at: now)
        #expect(snapshot.instruments.map { $0.instrument.symbol } == ["BTC-USDT", "ETH-USDT"])
        let btc = try #require(snapshot.instruments.first)
        #expect(btc.counters.checked == 4)
        #expect(btc.counters.accepted == 1)
        #expect(btc.counters.flagged == 1)
        #expect(btc.counters.rejected == 2)
        #expect(btc.counters.rejectionsByReasonCode == [.duplicate: 1, .nonPositivePrice: 1])
        #expect(btc.counters.flagsByReasonCode == [.crossedBook: 1])
        #expect(btc.lastRejection == .nonPositivePrice)
        #expect(btc.dedupEntries == 1)
        #expect(btc.dedupCapacity == 16_384)
        #expect(snapshot.totals.checked == 5)
    }

    @Test func metricsAreDeltasPerInterval() throws {
        let control = try Make.control()
        let now = Make.time()
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        let first = control.drainMetrics(at: Make.time(10_000))
        func value(_ rows: [QualityMetric], _ name: String, reason: String? = nil) -> FixedPoint? {
            rows.first { $0.name == name && $0.tags["reason"] == reason && $0.tags["instrument"] == "BTC-USDT" }?.value
        }
        #expect(first.allSatisfy { $0.category == "data_quality" && $0.unit == "count" && $0.timestamp == Make.time(10_000) })
        #expect(value(first, "events_checked") == FixedPoint(2))
        #expect(value(first, "events_accepted") == FixedPoint(1))
        #expect(value(first, "events_rejected") == FixedPoint(1))
        #expect(value(first, "events_rejected", reason: "duplicate") == FixedPoint(1))
        #expect(control.drainMetrics(at: Make.time(20_000)).isEmpty)
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        let third = control.drainMetrics(at: Make.time(30_000))
        #expect(value(third, "events_checked") == FixedPoint(1))
        #expect(value(third, "events_rejected", reason: "duplicate") == FixedPoint(1))
        #expect(value(third, "events_accepted") == FixedPoint(0))
    }
}
