import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// Duplicate trade ids: detection, the count and time bounds, and memory over a long run.
@Suite(.watchdog) struct DedupTests {
    @Test func duplicateTradeIdIsRejectedPerInstrument() throws {
        let control = try Make.control()
        let now = Make.time()
        #expect(control.check(trade: try Make.trade("100", id: "338476308"), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("100", id: "338476308"), now: now) == .reject(.duplicate))
        // Trade ids are unique per instrument only.
        #expect(control.check(trade: try Make.trade("100", id: "338476308", instrument: "ETH-USDT"), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("100", id: "338476309"), now: now) == .accept)
    }

    @Test func keysAreExactForNumericIdsAndDistinctForOthers() {
        #expect(DedupKey(TradeId("123")) == DedupKey(rawValue: 124))
        #expect(DedupKey(TradeId("0")) == DedupKey(rawValue: 1))
        #expect(DedupKey(TradeId("0123")) != DedupKey(TradeId("123")))
        #expect(DedupKey(TradeId("abc")) != DedupKey(TradeId("abd")))
        #expect(DedupKey(TradeId("abc")).rawValue >> 63 == 1)
        // 19 digits no longer fit the exact form: hashed, and different from the 18-digit prefix.
        #expect(DedupKey(TradeId("1234567890123456789")) != DedupKey(TradeId("123456789012345678")))
    }

    @Test func timeWindowEdge() {
        var window = TradeIdWindow(capacity: 100, windowNanoseconds: ms(60_000))
        window.insert(DedupKey(rawValue: 7), time: ms(1_000))
        window.forgetExpired(now: ms(61_000))  // exactly the window: still remembered
        #expect(window.contains(DedupKey(rawValue: 7)))
        window.forgetExpired(now: ms(61_000) + 1)
        #expect(!window.contains(DedupKey(rawValue: 7)))
        #expect(window.count == 0)
    }

    @Test func aForgottenDuplicateIsStaleInstead() throws {
        // window_ms >= max_age_ms (enforced), so anything the window forgot is too old anyway.
        let control = try Make.control()
        let original = Make.time(0)
        #expect(control.check(trade: try Make.trade("100", id: "1", at: original), now: original) == .accept)
        let withinWindow = Make.time(30_000)
        #expect(control.check(trade: try Make.trade("100", id: "1", at: original), now: withinWindow) == .reject(.duplicate))
        let beyondWindow = Make.time(60_001)
        #expect(control.check(trade: try Make.trade("100", id: "1", at: original), now: beyondWindow) == .reject(.staleTimestamp))
    }

    @Test func countBoundForgetsTheOldestAndCountsIt() {
        var window = TradeIdWindow(capacity: 4, windowNanoseconds: ms(60_000))
        for id in 1...5 { window.insert(DedupKey(rawValue: UInt64(id)), time: ms(Int64(id))) }
        #expect(window.count == 4)
        #expect(!window.contains(DedupKey(rawValue: 1)))
        #expect((2...5).allSatisfy { window.contains(DedupKey(rawValue: UInt64($0))) })
        #expect(window.earlyEvictions == 1)
    }

    @Test func matchesASetModelUnderRandomInsertsAndExpiry() {
        // Deterministic pseudo-random keys (many colliding probe runs in a small table), checked
        // against a plain array model after every operation.
        var window = TradeIdWindow(capacity: 50, windowNanoseconds: 200)
        var model: [(key: UInt64, time: Int64)] = []
        var state: UInt64 = 7
        var now: Int64 = 0
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let key = (state >> 40) % 300 + 1
            now += Int64(state % 7)
            window.forgetExpired(now: now)
            while let first = model.first, first.time < now - 200 { model.removeFirst() }
            let seen = window.contains(DedupKey(rawValue: key))
            #expect(seen == model.contains { $0.key == key })
            if !seen {
                window.insert(DedupKey(rawValue: key), time: now)
                if model.count == 50 { model.removeFirst() }
                model.append((key, now))
            }
            #expect(window.count == model.count)
        }
        #expect(model.allSatisfy { window.contains(DedupKey(rawValue: $0.key)) })
    }

    /// 10 million trade ids through the window in a tight loop (the whole QualityControl path is
    /// exercised over 1 million below; 10 million full checks take too long in a debug build):
    /// the storage reaches the configured capacity and never grows past it.
    @Test func memoryStaysBoundedOverTenMillionIds() {
        let capacity = 16_384
        var window = TradeIdWindow(capacity: capacity, windowNanoseconds: ms(60_000))
        var sizesAfterFill: (ring: Int, table: Int)?
        for id in 1...10_000_000 {
            // 1000 trades per second of event time: the time window holds 60000 > capacity, so
            // the count bound is what limits memory here.
            let time = Int64(id) * 1_000_000
            window.forgetExpired(now: time)
            window.insert(DedupKey(rawValue: UInt64(id)), time: time)
            if id == capacity * 4 { sizesAfterFill = (window.ringCapacity, window.tableCapacity) }
        }
        #expect(window.count == capacity)
        #expect(window.ringCapacity == capacity)
        #expect(window.tableCapacity == 32_768)
        #expect(sizesAfterFill?.ring == window.ringCapacity)
        #expect(sizesAfterFill?.table == window.tableCapacity)
        #expect(window.earlyEvictions == UInt64(10_000_000 - capacity))
        #expect(window.contains(DedupKey(rawValue: 10_000_000)))
        #expect(!window.contains(DedupKey(rawValue: UInt64(10_000_000 - capacity))))
    }

    @Test func timeBoundAloneAlsoLimitsMemory() {
        // A slow instrument (1 trade per second, 60 s window) never needs more than ~60 slots.
        var window = TradeIdWindow(capacity: 16_384, windowNanoseconds: ms(60_000))
        for id in 1...100_000 {
            let time = ms(Int64(id) * 1000)
            window.forgetExpired(now: time)
            window.insert(DedupKey(rawValue: UInt64(id)), time: time)
        }
        #expect(window.count == 61)
        #expect(window.ringCapacity == 64)
        #expect(window.earlyEvictions == 0)
    }

    @Test func fullCheckPathStaysBoundedOverOneMillionTrades() throws {
        let control = try Make.control { $0.dedup.capacity = 4096 }
        let instrument = try Make.instrument()
        var trade = try Make.trade("100", id: "0")
        var accepted = 0
        for index in 0..<1_000_000 {
            let now = Make.time(Int64(index))  // one trade per millisecond of event time
            trade.tradeId = TradeId(String(index))
            trade.timestamp = now
            trade.price = Price(FixedPoint(raw: 100_000_000_000_000 + Int128(index % 7) * 100_000_000_000))
            if control.check(trade: trade, now: now).isAccepted { accepted += 1 }
        }
        #expect(accepted == 1_000_000)
        let state = control.state(for: instrument)
        #expect(state.dedup.count == 4096)
        #expect(state.dedup.ringCapacity == 4096)
        #expect(state.dedup.tableCapacity == 8192)
    }
}
