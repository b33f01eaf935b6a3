import Execution
import Foundation
import Logging
import OKXTestServer
import OKXVenue
import Risk
import RuntimeHost
import StrategyKit
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

/// Bids at every trade it sees: any trade that reaches it becomes an order.
final class BidOnEveryTrade: Strategy {
    let context: StrategyContext
    init(context: StrategyContext, parameters: NoParameters) throws { self.context = context }
    func onTrade(_ trade: TradeTick) throws {
        _ = try context.buyLimit(trade.instrument, quantity: qty("1"), price: trade.price)
    }
}

@Suite("OKX venue: a halt found while the engine runs", .watchdog)
struct MidRunHaltTests {
    /// A reconciliation while the host runs (after a reconnect) can find a position no order
    /// explains. The venue hands the halt over during the engine's next call into it, in the
    /// middle of an input: the engine carries it out there, before a strategy sees that input.
    @Test("a halt the venue reports while the engine handles a trade stops the strategy before the trade reaches it")
    func aHaltReportedDuringAnInputComesBeforeTheStrategy() async throws {
        let harness = try await Harness.start(withSocket: false)
        defer { Task { await harness.shutdown() } }
        try await harness.book()
        let venue = OKXVenue(desk: harness.desk, mode: .live)
        defer { venue.stop() }
        let registrar = StrategyRegistrar()
        registrar.register(BidOnEveryTrade.self, as: "BidOnEveryTrade")
        let registration = try #require(registrar.registration(named: "BidOnEveryTrade"))
        let strategy = EngineStrategy(name: "alpha", registration: registration, instruments: [btcSwap], channels: [.trades],
                                      parameters: .object([:]), allocatedCapital: Money(FixedPoint(1_000_000)), riskLimits: RiskLimits())
        let engine = try TradingEngine(strategies: [strategy], instruments: [btcSwap], quality: .standard, accountLimits: AccountRiskLimits(),
                                       venue: venue, options: .init(mode: .live), logger: Logger(label: "mid-run-halt-tests"))
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000))
        engine.start(at: now)

        // Filled outside the runtime, then found by a reconciliation: the venue now holds a halt.
        _ = try await harness.server.placeExternalOrder(instrument: btcSwap.id, side: .buy, size: qty("1"), price: px("60000.1"))
        harness.desk.heldPositions.set(.zero, strategy: "alpha", instrument: btcSwap.id, positionSide: .net)
        #expect(await harness.desk.reconcile())
        await venue.takeDeskNotes()
        #expect(venue.hasNotices)

        let trade = TradeTick(instrument: btcSwap.id, tradeId: TradeId("t1"), price: px("60000"), quantity: qty("1"), side: .sell,
                              timestamp: now.advanced(byNanoseconds: 1_000_000))
        engine.handle(.trade(trade), receivedAt: trade.timestamp)

        #expect(engine.risk.state(of: "alpha") == .halted)
        #expect(engine.ledger.openOrders(of: "alpha").isEmpty, "the trade reached the strategy before the halt")
        #expect(!venue.holdsRequests, "an order of the halted strategy is on its way to OKX")
        #expect(engine.summary.riskRejections == 1, "the strategy's bid was refused as halted")
        let halts = engine.takeVenueNotices().compactMap { notice -> Set<StrategyName>? in
            if case .halt(let strategies, "venue_position_mismatch", _) = notice { strategies } else { nil }
        }
        #expect(halts == [["alpha"]], "the host records the halt it names")
        #expect(!venue.hasNotices)
    }
}
