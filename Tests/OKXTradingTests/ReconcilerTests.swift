import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

@Suite("OKX reconciler", .watchdog)
struct ReconcilerTests {
    func local(_ id: String, ordId: String? = "9001", filled: String = "0", tradeIds: Set<String> = [], side: Side = .buy) -> OKXLocalOrder {
        OKXLocalOrder(clientOrderId: ClientOrderId(id), venueOrderId: ordId.map(VenueOrderId.init), instrument: btcUsdtSwap, strategy: "alpha",
                      side: side, positionSide: .net, filledQuantity: qty(filled), tradeIds: Set(tradeIds.map(TradeId.init)))
    }

    func position(_ size: String) -> OKXPosition { OKXPosition(instrument: btcUsdtSwap, positionSide: .net, size: fp(size), averagePrice: nil) }
    func mine(_ size: String) -> OKXLocalPosition { OKXLocalPosition(instrument: btcUsdtSwap, positionSide: .net, size: fp(size), strategies: ["alpha"]) }

    @Test("local open orders missing from OKX's pending list are looked up first")
    func asksForLookups() {
        let input = OKXReconciliationInput(localOpenOrders: [local("r00000000a1"), local("r00000000a2", ordId: "9002")],
                                           venuePendingOrders: [update(.live)], recentFills: [], venuePositions: [], localPositions: [])
        #expect(OKXReconciler.plan(input) == .needsLookups([OKXOrderLookup(instrument: btcUsdtSwap, clientOrderId: ClientOrderId("r00000000a2"))]))
    }

    @Test("a fill missed during a disconnect is applied, the order adopted, positions then agree")
    func missedFillExplainsPosition() {
        var input = OKXReconciliationInput(
            localOpenOrders: [local("r00000000a1", filled: "1", tradeIds: ["t1"]), local("r00000000a2", ordId: "9002")],
            venuePendingOrders: [update(.partiallyFilled, filled: "3")],
            recentFills: [fill("t1", "1"), fill("t2", "2"), fill("t2", "2")],
            venuePositions: [position("3")], localPositions: [mine("1")])
        input.lookedUp[ClientOrderId("r00000000a2")] = .some(nil)
        guard case .steps(let steps) = OKXReconciler.plan(input) else { Issue.record("expected steps"); return }
        #expect(steps == [
            .adopt(ClientOrderId("r00000000a1"), update(.partiallyFilled, filled: "3")),
            .unknownAtVenue(ClientOrderId("r00000000a2")),
            .applyFills(ClientOrderId("r00000000a1"), [fill("t2", "2")]),
        ])
    }

    @Test("an order placed outside the runtime is reported, and the position it moved halts the strategy")
    func externalOrder() {
        let foreign = update(.live, ordId: "777", clOrdId: "HamsterParty14")
        let foreignFill = fill("t50", "2", ordId: "777", clOrdId: "HamsterParty14")
        let input = OKXReconciliationInput(localOpenOrders: [], venuePendingOrders: [foreign], recentFills: [foreignFill],
                                           venuePositions: [position("2")], localPositions: [mine("0")])
        guard case .steps(let steps) = OKXReconciler.plan(input) else { Issue.record("expected steps"); return }
        #expect(steps.contains(.externalOrder(foreign)))
        #expect(steps.contains(.externalFill(foreignFill)))
        let mismatch = steps.compactMap { if case .positionMismatch(let mismatch) = $0 { mismatch } else { nil } }
        #expect(mismatch.count == 1)
        #expect(mismatch.first?.externalFills == fp("2"))
        #expect(mismatch.first?.strategies == ["alpha"])
        #expect(mismatch.first?.description.contains("halting alpha") == true)
    }

    @Test("a position difference nothing explains halts the strategy")
    func unexplained() {
        let input = OKXReconciliationInput(localOpenOrders: [], venuePendingOrders: [], recentFills: [],
                                           venuePositions: [position("-1")], localPositions: [mine("1")])
        guard case .steps(let steps) = OKXReconciler.plan(input) else { Issue.record("expected steps"); return }
        #expect(steps == [.positionMismatch(OKXPositionMismatch(instrument: btcUsdtSwap, positionSide: .net, expected: fp("1"), venue: fp("-1"),
                                                                 externalFills: .zero, strategies: ["alpha"]))])
    }

    @Test("fills of our own orders that already ended are not external")
    func ownEndedOrdersNotExternal() {
        let input = OKXReconciliationInput(localOpenOrders: [], venuePendingOrders: [],
                                           recentFills: [fill("t1", "1", ordId: "5", clOrdId: "r0000000001")],
                                           venuePositions: [position("1")], localPositions: [mine("1")])
        #expect(OKXReconciler.plan(input) == .steps([]))
    }

    @Test("adoption goes through the order state machine: the missed fill counts once even with the buffered push replayed")
    func adoptThenReplay() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(2_000), actions: &actions)
        // Disconnected; reconnect, reconcile: adopt, apply missed fills, then replay the buffer.
        let buffered = update(.partiallyFilled, filled: "3", fill: fill("t2", "2"))
        order.lookupAnswered(update(.partiallyFilled, filled: "3"), at: ms(9_000), actions: &actions)
        order.fillsFetched([fill("t1", "1"), fill("t2", "2")], at: ms(9_001), actions: &actions)
        order.venueUpdated(buffered, at: ms(9_002), actions: &actions)
        #expect(actions.fills.map(\.quantity) == [qty("1"), qty("2")])
        #expect(order.record.filledQuantity == qty("3"))
        #expect(actions.inferred.isEmpty)
    }
}
