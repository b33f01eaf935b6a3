import Foundation
import Logging
import Risk
import RuntimeHost
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// The order storm (Tests/Plugins/OrderStorm, loaded as a real plugin) trades real BTC-USDT
/// trades, each behind a five-level book around its price, under limits tight enough to trim and
/// refuse; two storms share the market. The invariant checker runs after every input: strategy
/// views, the risk engine's exposure, the venue's orders and the portfolio must never disagree.
@Suite(.watchdog) struct OrderStormTests {
    static let trades: [TradeTick] = (try? PluginTestSupport.recordedTrades()) ?? []

    /// A books5 snapshot one tick either side of `trade`, five levels deep on OKX's 0.1 grid.
    static func book(around trade: TradeTick) -> BookUpdate {
        let tick = FixedPoint(units: 1, decimals: 1)
        let bid = trade.price.value.rounded(toMultipleOf: tick, .down) - tick
        let ask = trade.price.value.rounded(toMultipleOf: tick, .up) + tick
        // Sizes vary with the trade id's last digit, so queues differ from book to book.
        let digit = Int(trade.tradeId.rawValue.suffix(1)) ?? 0
        func levels(from start: FixedPoint, step: FixedPoint) -> [BookLevel] {
            (0..<5).map { level in
                let size = FixedPoint(units: Int64(2 + 3 * level + digit), decimals: 3)
                return BookLevel(price: Price(start + step.times(level)), size: Quantity(size), orderCount: 1 + level)
            }
        }
        return BookUpdate(instrument: trade.instrument, channel: .books5, action: .snapshot,
                          bids: levels(from: bid, step: -tick), asks: levels(from: ask, step: tick),
                          timestamp: trade.timestamp.advanced(byNanoseconds: -1_000_000))
    }

    static func storm(_ name: StrategyName, seed: Int, limits: RiskLimits) throws -> EngineStrategy {
        let registration = try PluginLoader(searchPaths: [PluginTestSupport.binDirectory]).registration(plugin: "OrderStorm", strategy: "OrderStorm")
        return EngineStrategy(name: name, registration: registration, instruments: [PluginTestSupport.btcUSDT],
                              channels: [.trades, .book(.books5)], parameters: .object(["seed": .number("\(seed)")]),
                              allocatedCapital: Money(FixedPoint(10_000)), riskLimits: limits)
    }

    @Test(arguments: 0..<50) func fiftySeedsOfRandomOrdersNeverBreakAnInvariant(seed: Int) async throws {
        #expect(Self.trades.count > 10_000)
        // About two seconds of computing per seed in a debug build: off the test pool (see OffThePool).
        let run = try await OffThePool.run { try Self.stormRun(seed: seed) }
        #expect(run.violations.isEmpty, "seed \(seed): \(run.violations.prefix(3))")
        #expect(run.events >= 20_000)
        #expect(run.summary.strategyFaults == 0)
        let summary = run.summary
        #expect(summary.orders > 200 && summary.fills > 20 && summary.riskRejections > 0, "seed \(seed): \(summary.orders) orders, \(summary.fills) fills, \(summary.riskRejections) risk rejections")
    }

    /// What one seed's storm left: the invariant violations, the events played and the summary.
    struct StormRun: Sendable {
        var violations: [InvariantViolation]
        var events: Int
        var summary: EngineSummary
    }

    /// Two storms, one trimming and one refusing, over the recorded trades with the invariant
    /// checker after every input; stops at the first violation.
    static func stormRun(seed: Int) throws -> StormRun {
        let trimming = RiskLimits(maxOrderQuantity: Quantity(FixedPoint(units: 5, decimals: 3)), maxOrderNotional: Money(FixedPoint(250)),
                                  maxPositionSize: Money(FixedPoint(600)), maxLeverage: FixedPoint(1), priceBandPct: FixedPoint(1),
                                  maxOrdersPerMinute: 400, maxOpenOrders: 6, allocatedCapital: Money(FixedPoint(10_000)),
                                  actions: RiskActions(maxOrderQuantity: .trim, maxOrderNotional: .trim, maxPositionSize: .trim))
        let rejecting = RiskLimits(maxOrderQuantity: Quantity(FixedPoint(units: 2, decimals: 2)), maxPositionSize: Money(FixedPoint(1_500)),
                                   maxOrdersPerMinute: 120, maxOpenOrders: 4)
        let engine = try TradingEngine(
            strategies: [try Self.storm("storm_trim", seed: seed, limits: trimming),
                         try Self.storm("storm_reject", seed: seed + 1_000, limits: rejecting)],
            instruments: PluginTestSupport.catalog.instruments, quality: .standard,
            accountLimits: AccountRiskLimits(maxGrossNotional: Money(FixedPoint(2_500))),
            venue: .init(latencyMilliseconds: Int64(seed % 3) * 5, orderIdSessionTag: "S"),
            options: .init(mode: .replay, runTag: "S\(seed)"), logger: Logger(label: "test.storm"))
        engine.invariantChecker = InvariantChecker()
        var events = 0
        engine.start(at: Self.trades[0].timestamp.advanced(byNanoseconds: -2_000_000))
        for trade in Self.trades {
            engine.handle(.book(Self.book(around: trade)), receivedAt: trade.timestamp)
            engine.handle(.trade(trade), receivedAt: trade.timestamp)
            events += 2
            _ = engine.drainOutbox()
            if !engine.invariantViolations.isEmpty { break }
        }
        engine.stop(at: engine.clock)
        return StormRun(violations: engine.invariantViolations, events: events, summary: engine.summary)
    }
}
