import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Portfolio

@Suite("Daily performance tracker: late fills", .watchdog)
struct DailyPerformanceTrackerTests {
    @Test("a fill stamped 23:59:59.900 and recorded after midnight lands in its day's row")
    func lateFillWithinGrace() throws {
        var tracker = DailyPerformanceTracker(mode: .live)
        #expect(tracker.record(EquitySample(strategy: "alpha", timestamp: at(hours: 12), equity: money("1000"))).isEmpty)
        #expect(tracker.advance(to: at(day: 1).advanced(byMilliseconds: 100)).isEmpty)
        let late = closed(ethSpot, at: at(day: 1).advanced(byMilliseconds: -100), filled: "1", avg: "2000",
                          commission: "1", "USDT", realized: "10")
        #expect(tracker.record(late).isEmpty)
        #expect(tracker.advance(to: at(day: 1).advanced(byMilliseconds: 4_999)).isEmpty)
        let rows = tracker.advance(to: at(day: 1).advanced(byMilliseconds: 5_000))
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.date == dayZero && row.strategy == "alpha")
        #expect(row.totalTrades == 1 && row.winningTrades == 1)
        #expect(row.totalPnl == money("10"))
        #expect(tracker.lateDroppedCount == 0)
    }

    @Test("a trade or sample for a day already rolled up is dropped and counted")
    func lateBeyondGraceIsCounted() {
        var tracker = DailyPerformanceTracker(mode: .live)
        _ = tracker.record(EquitySample(strategy: "alpha", timestamp: at(hours: 23), equity: money("1000")))
        #expect(tracker.advance(to: at(day: 1, minutes: 5)).count == 1)
        // Ten minutes late.
        let late = closed(ethSpot, at: at(hours: 23, minutes: 55), filled: "1", avg: "2000", commission: "1", "USDT", realized: "10")
        #expect(tracker.record(late).isEmpty)
        #expect(tracker.record(EquitySample(strategy: "alpha", timestamp: at(hours: 23, minutes: 56), equity: money("1"))).isEmpty)
        #expect(tracker.lateDroppedCount == 2)
        _ = tracker.record(EquitySample(strategy: "alpha", timestamp: at(day: 1, minutes: 6), equity: money("1000")))
        let rows = tracker.partialDay(until: at(day: 1, minutes: 10))
        #expect(rows.count == 1)
        #expect(rows.first?.date == UTCDate(dayNumber: dayZero.dayNumber + 1))
        #expect(rows.first?.totalTrades == 0)
        // The dropped sample did not become the next day's opening equity.
        #expect(rows.first?.returnPct == .zero)
    }

    @Test("open dates roll up in date then strategy order; the opening equity is the last sample before the date, by timestamp")
    func openDatesInOrder() {
        var tracker = DailyPerformanceTracker(mode: .live, rollupDelay: .seconds(5))
        _ = tracker.record(EquitySample(strategy: "beta", timestamp: at(hours: 10), equity: money("500")))
        _ = tracker.record(EquitySample(strategy: "alpha", timestamp: at(hours: 10), equity: money("1000")))
        // Out of order: the next day's first sample before the last one of this day.
        _ = tracker.record(EquitySample(strategy: "alpha", timestamp: at(day: 1).advanced(byMilliseconds: 50), equity: money("1210")))
        _ = tracker.record(EquitySample(strategy: "alpha", timestamp: at(day: 1).advanced(byMilliseconds: -50), equity: money("1100")))
        _ = tracker.record(EquitySample(strategy: "beta", timestamp: at(day: 1).advanced(byMilliseconds: 60), equity: money("500")))

        // Shutdown inside the grace: the earlier date is a full day, the later one partial.
        let rows = tracker.partialDay(until: at(day: 1).advanced(byMilliseconds: 1_000))
        #expect(rows.map { "\($0.date) \($0.strategy)" } == ["2024-03-01 alpha", "2024-03-01 beta", "2024-03-02 alpha", "2024-03-02 beta"])
        #expect(rows.map(\.isPartialDay) == [false, false, true, true])
        #expect(rows.first?.returnPct == fp("10"))
        // Opening 1100 (the last sample before midnight), closing 1210.
        #expect(rows.dropFirst(2).first?.returnPct == fp("10"))

        // The same rows when event time passes the grace.
        let rolled = tracker.advance(to: at(day: 1).advanced(byMilliseconds: 5_000))
        #expect(rolled.map { "\($0.date) \($0.strategy)" } == ["2024-03-01 alpha", "2024-03-01 beta"])
        #expect(rolled == Array(rows.prefix(2)))
        let later = tracker.partialDay(until: at(day: 1, hours: 1))
        #expect(later.first?.returnPct == fp("10"))
    }
}
