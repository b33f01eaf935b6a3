@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Per-instrument state: one state per manifest instrument, mutated in place through the
/// subscript, and made on demand for an instrument outside the manifest.
@Suite(.watchdog) struct PerInstrumentTests {
    static let btc = try! InstrumentId(parsing: "BTC-USDT")
    static let eth = try! InstrumentId(parsing: "ETH-USDT")
    static let sol = try! InstrumentId(parsing: "SOL-USDT")

    static func context() -> StrategyContext {
        let tick = Price(FixedPoint(units: 1, decimals: 2))
        let lot = Quantity(FixedPoint(units: 1, decimals: 4))
        return StrategyContext(name: "per_instrument", instruments: [btc, eth].map { Instrument(id: $0, tickSize: tick, lotSize: lot, minSize: lot) })
    }

    struct Trend {
        var fast: SimpleMovingAverage
        var slow: SimpleMovingAverage
        var regime = 0
    }

    @Test func eachInstrumentHasItsOwnStateMutatedInPlace() throws {
        var made: [InstrumentId] = []
        let trends = try Self.context().perInstrument { instrument in
            made.append(instrument)
            return Trend(fast: try SimpleMovingAverage(period: 2), slow: try SimpleMovingAverage(period: 3))
        }
        #expect(made == [Self.btc, Self.eth] && trends.instruments == [Self.btc, Self.eth])
        for value in [1.0, 2, 3] { trends[Self.btc].fast.update(value) }
        trends[Self.eth].slow.update(10)
        trends[Self.btc].regime = 1
        #expect(trends[Self.btc].fast.value == 2.5)
        #expect(trends[Self.btc].regime == 1 && trends[Self.eth].regime == 0)
        #expect(trends[Self.eth].fast.value == nil && !trends[Self.eth].slow.isReady)
        var seen: [InstrumentId] = []
        trends.forEach { instrument, _ in seen.append(instrument) }
        #expect(seen == [Self.btc, Self.eth])
    }

    @Test func anInstrumentOutsideTheManifestGetsAFreshState() throws {
        let counts = try Self.context().perInstrument { _ in 0 }
        counts[Self.sol] += 5
        counts[Self.btc] += 1
        #expect(counts[Self.sol] == 5 && counts[Self.btc] == 1 && counts[Self.eth] == 0)
        #expect(counts.instruments == [Self.btc, Self.eth, Self.sol])
    }

    @Test func aThrowingStateClosureFailsCreation() {
        #expect(throws: IndicatorError.self) {
            _ = try Self.context().perInstrument { _ in try SimpleMovingAverage(period: 0) }
        }
    }

    /// The in-place claim itself: the window array of an average reached through the subscript
    /// stays the same buffer across updates (a copy-out-and-back would reallocate it whenever it
    /// was shared).
    @Test func mutationThroughTheSubscriptDoesNotCopyTheState() throws {
        struct State { var values: [Double] }
        let states = try Self.context().perInstrument { _ in State(values: [0, 0, 0]) }
        let before = states[Self.btc].values.withUnsafeBufferPointer { $0.baseAddress }
        for index in 0..<1_000 { states[Self.btc].values[index % 3] = Double(index) }
        let after = states[Self.btc].values.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
    }
}
