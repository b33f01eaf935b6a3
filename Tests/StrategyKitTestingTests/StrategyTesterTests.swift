import Foundation
import MarketData
import StrategyKitTesting
import TestSupport
import Testing

/// The tester's own logic: its clock, its feeds, its record of orders and its errors.
@Suite(.watchdog) struct StrategyTesterTests {
    static func probe(_ parameters: ParameterMap = ["order_quantity": 0.01], riskLimits: [String: Double] = [:]) throws -> StrategyTester<Probe> {
        try StrategyTester(Probe.self, parameters: parameters, riskLimits: riskLimits)
    }

    @Test func theStrategyStartsAtTheFirstEventAndSeesEventTime() throws {
        let tester = try Self.probe()
        #expect(tester.strategy.startedAt == nil)
        try tester.trade("BTC-USDT", price: 100)
        #expect(tester.strategy.startedAt == StrategyTesterClock.start)
        tester.advance(by: .seconds(5))
        try tester.trade("BTC-USDT", price: 100.2)
        #expect(tester.strategy.tradesSeen == [StrategyTesterClock.start, StrategyTesterClock.start.advanced(byNanoseconds: 5_000_000_000)])
        #expect(tester.now == StrategyTesterClock.start.advanced(byNanoseconds: 5_000_000_000))
    }

    /// An order decided on a trade travels the venue's latency; moving the clock past it fills it
    /// with no further market data, as a quiet market would.
    @Test func advancingTheClockDeliversOrdersInFlight() throws {
        let tester = try Self.probe()
        try tester.trade("BTC-USDT", price: 100)
        #expect(tester.orders.count == 1)
        tester.advance(by: .seconds(1))
        #expect(tester.fills.count == 1)
        #expect(tester.orders.first?.status == .filled)
        #expect(tester.strategy.fillsSeen == 1)
        let position = try tester.position("BTC-USDT")
        #expect(position.isLong)
        // A spot buy pays its fee in the base currency: the holding is the size less the fee.
        #expect(position.netQuantity == tester.fills[0].quantity.value - tester.fills[0].fee.value)
    }

    @Test func theClockNeverMovesBack() throws {
        let tester = try Self.probe(["order_quantity": 0.01, "buy_on_first_trade": false])
        tester.advance(by: .seconds(10))
        let later = tester.now
        tester.advance(to: StrategyTesterClock.start)
        #expect(tester.now == later)
        try tester.trades("BTC-USDT", prices: [100, 100.1, 100.2], every: .seconds(2))
        #expect(tester.strategy.tradesSeen.count == 3)
        #expect(tester.now == later.advanced(byNanoseconds: 6_000_000_000))
    }

    @Test func aRiskRefusalIsAnOrderWithTheCheckNamed() throws {
        let tester = try Self.probe(["order_quantity": 0.02], riskLimits: ["max_order_quantity": 0.01])
        try tester.trade("BTC-USDT", price: 100)
        let refusal = try #require(tester.riskRejections.first)
        #expect(refusal.code == "max_order_quantity")
        #expect(tester.orders.map(\.status) == [.rejected])
        #expect(tester.orders.first?.refusedByRisk == true)
        #expect(tester.orders.first?.rejectReason == refusal.reason)
        #expect(try tester.position("BTC-USDT").isFlat)
    }

    @Test func theQualityGateRefusingAnEventIsAnError() throws {
        let tester = try Self.probe(["order_quantity": 0.01, "buy_on_first_trade": false])
        try tester.trade("BTC-USDT", price: 100)
        let error = #expect(throws: StrategyTesterError.self) { try tester.trade("BTC-USDT", price: 200) }
        #expect(error?.description.contains("price_deviation") == true, "\(String(describing: error))")
        #expect(tester.strategy.tradesSeen.count == 1)
    }

    @Test func mistakesAreNamed() throws {
        let wrongType = #expect(throws: StrategyTesterError.self) { try Self.probe(["order_quantity": "lots"]) }
        #expect(wrongType?.description.contains("order_quantity") == true, "\(String(describing: wrongType))")
        let unknownKey = #expect(throws: StrategyTesterError.self) { try Self.probe(["order_quantity": 0.01, "windw": 3]) }
        #expect(unknownKey?.description.contains("windw") == true, "\(String(describing: unknownKey))")
        let limit = #expect(throws: StrategyTesterError.self) { try Self.probe(riskLimits: ["max_order_qty": 1]) }
        #expect(limit?.description.contains("max_order_quantity") == true, "\(String(describing: limit))")
        let tester = try Self.probe()
        let instrument = #expect(throws: StrategyTesterError.self) { try tester.trade("ETH-USDT", price: 100) }
        #expect(instrument?.description.contains("BTC-USDT") == true, "\(String(describing: instrument))")
        let grid = #expect(throws: StrategyTesterError.self) { try tester.trade("BTC-USDT", price: 100.05) }
        #expect(grid?.description.contains("tick grid") == true, "\(String(describing: grid))")
        let otherStrategy = #expect(throws: StrategyTesterError.self) {
            try StrategyTester(Probe.self, manifest: "strategies/sma_crossover.yaml")
        }
        #expect(otherStrategy?.description.contains("SMACrossover") == true, "\(String(describing: otherStrategy))")
    }

    /// Candles step the clock one bar each, a strategy sees each at its open time, and the paper
    /// venue fills on bars: an order decided on a bar meets the next bar's open.
    @Test func candlesStepTheClockOneBarEach() throws {
        let tester = try StrategyTester(Probe.self, parameters: ["order_quantity": 0.01], channels: ["candle1m"])
        try tester.candles("BTC-USDT", closes: [100, 101, 102], interval: .oneMinute)
        let start = StrategyTesterClock.start
        #expect(tester.strategy.candlesSeen == [0, 60, 120].map { start.advanced(byNanoseconds: $0 * 1_000_000_000) })
        #expect(tester.now == start.advanced(byNanoseconds: 180_000_000_000))
        let fill = try #require(tester.fills.first)
        #expect(fill.timestamp == start.advanced(byNanoseconds: 60_000_000_000))
        #expect(fill.price >= 100)
    }

    /// A callback that throws halts the strategy alone: the tester says what it threw, and the
    /// risk engine's state change is recorded.
    @Test func aThrowingStrategyIsHaltedAndSaysWhy() throws {
        let tester = try Self.probe(["order_quantity": 0.01, "buy_on_first_trade": false, "throw_on_trade": 2])
        try tester.trades("BTC-USDT", prices: [100, 100.1, 100.2], every: .seconds(1))
        #expect(tester.fault?.message.contains("probe threw on trade 2") == true, "\(String(describing: tester.fault))")
        #expect(tester.state == .halted)
        #expect(tester.stateChanges.last?.to == .halted, "\(tester.stateChanges)")
        #expect(tester.strategy.tradesSeen.count == 2)
    }

    /// A recording plays as `runtime replay` plays it: the engine starts at its first event, which
    /// may be long before the tester's clock, and the clock ends at its last.
    @Test func aRecordingPlaysOnItsOwnTime() throws {
        let first: Int64 = 1_700_000_000_000
        let lines = (0..<5).map { index in
            let time = first + Int64(index) * 1_000
            let frame = #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"\#(index + 1)","px":"\#(100 + index)","sz":"0.5","side":"buy","ts":"\#(time)"}]}"#
            return FrameRecording.line(for: ReceivedFrame(text: frame, receivedAt: Timestamp(millisecondsSinceEpoch: time + 3), endpoint: .public))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strategy-tester-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("trades.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let tester = try Self.probe()
        try tester.replay(recording: path)
        #expect(tester.strategy.startedAt == Timestamp(millisecondsSinceEpoch: first))
        #expect(tester.strategy.tradesSeen.count == 5)
        #expect(tester.now == Timestamp(millisecondsSinceEpoch: first + 4_000))
        #expect(tester.fills.count == 1)
        #expect(tester.summary.trades == 5)
        tester.finish()
        #expect(throws: StrategyTesterError.self) { try tester.trade("BTC-USDT", price: 104) }
    }
}
