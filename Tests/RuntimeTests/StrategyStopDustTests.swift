import Foundation
import Execution
import Logging
import Risk
import MarketData
import Portfolio
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// A strategy stopped while it holds a spot position that fees have made uneven must stop
/// cleanly: its market buys walk the book, every partial fill pays OKX's taker fee in BTC, and
/// what it holds is then off the 0.00000001 lot grid. `stop()` flattens what an order can close
/// and leaves the dust, instead of throwing (which the host answers by halting the strategy).
@Suite(.watchdog) struct StrategyStopDustTests {
    @Test func theShippedSMAStrategyStopsHoldingAFeeReducedPositionWithoutAFault() async throws {
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                          instrument: { PluginTestSupport.catalog[$0] })
        let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path
        let strategy = try EngineStrategy(validated: try validator.validate(yaml: try String(contentsOfFile: path, encoding: .utf8), source: path))
        let engine = try TradingEngine(strategies: [strategy], instruments: PluginTestSupport.catalog.instruments,
                                       quality: .standard, accountLimits: .init(), venue: .init(orderIdSessionTag: "D"),
                                       options: .init(mode: .replay, runTag: "D"), logger: Logger(label: "test.dust"))
        let btc = PluginTestSupport.btcUSDT
        let key = PositionKey(strategy: "sma_crossover", instrument: btc.id, positionSide: .net)
        let market = SyntheticMarket(instruments: [btc.id], seed: 7, start: Timestamp(millisecondsSinceEpoch: 1_722_000_000_000))

        // Replay until the strategy holds a long position that is off the lot grid, then stop there.
        var records: [EngineRecord] = []
        var held: FixedPoint?
        var started = false
        for event in ReplayFeed(frames: SyntheticFeed(market: market, steps: 72_000).frames(), label: "dust").allEvents() {
            guard case .market(let marketEvent, let receivedAt) = event else { continue }
            if !started { engine.start(at: marketEvent.timestamp); started = true }
            engine.handle(marketEvent, receivedAt: receivedAt)
            records += engine.drainOutbox()
            if let quantity = engine.portfolio.position(key)?.signedQuantity, quantity.isPositive,
               !quantity.isMultiple(of: btc.lotSize.value), engine.ledger.openOrders(of: "sma_crossover").isEmpty {
                held = quantity
                break
            }
        }
        let holding = try #require(held, "the strategy never held a fee-reduced position")
        let ordersBeforeStop = engine.summary.strategies["sma_crossover"]?.orders ?? 0
        engine.stop(at: engine.clock)
        records += engine.drainOutbox()

        #expect(engine.summary.strategyFaults == 0)
        let faults = records.filter {
            if case .risk(let output) = $0, output.riskEvent?.eventType == .strategyError { true } else { false }
        }
        #expect(faults.isEmpty, "stop() threw: \(faults)")

        // The stop sent one market sell of the position rounded down to the lot (the venue fills
        // what the book holds and cancels the rest, as OKX does with a market order it cannot fill).
        #expect(engine.summary.strategies["sma_crossover"]?.orders == ordersBeforeStop + 1)
        let closing = try #require(records.compactMap { record -> Execution.TradeRecord? in
            guard case .fill(let trade, _) = record, trade.side == .sell else { return nil }
            return trade
        }.last)
        #expect(closing.orderType == .market && closing.quantity == btc.roundQuantity(Quantity(holding)))
        #expect(!closing.filledQuantity.isZero && closing.status.isTerminal)
        let left = try #require(engine.portfolio.position(key)).signedQuantity
        #expect(left == holding - closing.filledQuantity.value)
    }
}
