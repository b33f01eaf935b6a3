import Execution
import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import OKXTrading

/// The faults of issue 21, each as a scripted sequence against one order's state machine.
@Suite("OKX order state machine: scripted faults", .watchdog)
struct OrderFaultTests {
    @Test("happy path: row before request, ack, partial fill, fill; accepted once")
    func happyPath() {
        var (order, actions) = submitted()
        guard case .emit(.sent(let row)) = actions.first, case .place(let place) = actions.dropFirst().first else {
            Issue.record("expected .sent then .place, got \(actions)"); return
        }
        #expect(row.status == .pending)
        #expect(place.expiresAt == ms(6_000))
        order.placeWritten(at: ms(1_001))
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.venueUpdated(update(.live), at: ms(1_060), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "2", fill: fill("t1", "2")), at: ms(2_000), actions: &actions)
        order.venueUpdated(update(.filled, filled: "5", fill: fill("t2", "3", time: 3_000)), at: ms(3_000), actions: &actions)
        #expect(actions.accepts == 1)
        #expect(actions.fills.map(\.quantity) == [qty("2"), qty("3")])
        #expect(actions.fills.first?.fee == money("0.24"))
        #expect(order.record.status == .filled)
        #expect(order.isDone)
        #expect(actions.places.count == 1)
    }

    @Test("timeout after the order was accepted: in doubt, looked up, adopted; never resent")
    func timeoutAfterAccept() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.advance(to: ms(5_000), actions: &actions)
        #expect(!actions.inDoubt)
        order.advance(to: ms(11_000), actions: &actions)
        #expect(actions.inDoubt)
        #expect(actions.lookups == [OKXOrderLookup(instrument: btcUsdtSwap, clientOrderId: ClientOrderId("r00000000a1"))])
        #expect(actions.lookups.first?.requestPath == "/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=r00000000a1")
        order.lookupAnswered(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(11_100), actions: &actions)
        #expect(actions.accepts == 1)
        #expect(actions.fills.count == 1)
        #expect(order.phase == .open)
        // The late ack changes nothing.
        order.placeAnswered(ack(), at: ms(12_000), actions: &actions)
        #expect(actions.accepts == 1)
        #expect(actions.places.count == 1)
    }

    @Test("connection dropped between request and ack, order never arrived: not placed only after expTime + skew")
    func dropNeverArrived() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.placeFailed(written: true, reason: "connection reset", at: ms(1_200), actions: &actions)
        #expect(actions.lookups.count == 1)
        // expTime 6 000 + skew 2 000: "not found" before 8 000 proves nothing.
        order.lookupAnswered(nil, at: ms(1_300), actions: &actions)
        #expect(order.record.status == .pending)
        order.advance(to: ms(2_300), actions: &actions)
        #expect(actions.lookups.count == 2)
        order.lookupAnswered(nil, at: ms(7_999), actions: &actions)
        #expect(!actions.expired)
        order.advance(to: ms(8_000), actions: &actions)
        order.lookupAnswered(nil, at: ms(8_000), actions: &actions)
        #expect(actions.expired)
        #expect(order.record.status == .rejected)
        #expect(order.record.rejectReason?.contains("not placed") == true)
        #expect(actions.places.count == 1)
    }

    @Test("connection dropped between request and ack, order did arrive: adopted, fills kept")
    func dropButArrived() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.placeFailed(written: true, reason: "connection reset", at: ms(1_200), actions: &actions)
        order.lookupAnswered(update(.filled, filled: "5", average: "60000"), at: ms(1_500), actions: &actions)
        // Filled at OKX but no fill seen: the fills are fetched before the record closes.
        #expect(actions.fetches == [OKXFillsFetch(instrument: btcUsdtSwap, venueOrderId: VenueOrderId("9001"))])
        #expect(order.record.status == .submitted)
        order.fillsFetched([fill("t1", "5")], at: ms(1_600), actions: &actions)
        #expect(order.record.status == .filled)
        #expect(actions.fills.map(\.quantity) == [qty("5")])
        #expect(actions.places.count == 1)
    }

    @Test("'not found' from a lookup sent before expTime + skew proves nothing, even when answered after it")
    func earlyLookupAnsweredLate() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.placeFailed(written: true, reason: "connection reset", at: ms(7_900), actions: &actions)
        // That lookup left at 7 900, before the deadline (8 000); OKX might still have processed the place after it.
        order.lookupAnswered(nil, at: ms(8_500), actions: &actions)
        #expect(!actions.expired)
        order.advance(to: ms(8_500), actions: &actions)
        #expect(actions.lookups.count == 2)
        order.lookupAnswered(nil, at: ms(8_600), actions: &actions)
        #expect(actions.expired)
    }

    @Test("a cancel accepted but never confirmed by a push is checked by a lookup, not sent again")
    func cancelWithoutPush() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.requestCancel(at: ms(2_000), actions: &actions)
        order.cancelAnswered(ack(), at: ms(2_050), actions: &actions)
        order.advance(to: ms(12_000), actions: &actions)
        #expect(actions.lookups.count == 1)
        order.lookupAnswered(update(.canceled, cancelSource: "1"), at: ms(12_100), actions: &actions)
        #expect(actions.canceled)
        #expect(actions.compactMap { if case .cancel = $0 { 1 } else { nil } }.count == 1)
    }

    @Test("orders OKX would refuse for the account's modes are refused before anything is sent")
    func refusedBeforeSending() {
        let longShort = OKXOrderDefaults(longShortPositionMode: true)
        var actions: [OKXOrderAction] = []
        let net = OKXOrderStateMachine.submit(request(), defaults: longShort, timing: OKXOrderTiming(), mode: .live, decisionMid: nil,
                                              at: ms(1_000), actions: &actions)
        #expect(actions.places.isEmpty)
        #expect(net.record.status == .rejected)
        #expect(actions.refusals.first?.contains("long/short position mode") == true)
        var long = request()
        long.positionSide = .long
        actions.removeAll()
        _ = OKXOrderStateMachine.submit(long, defaults: longShort, timing: OKXOrderTiming(), mode: .live, decisionMid: nil, at: ms(1_000), actions: &actions)
        #expect(actions.places.first?.body.contains(#""posSide":"long""#) == true)
        actions.removeAll()
        _ = OKXOrderStateMachine.submit(long, defaults: OKXOrderDefaults(), timing: OKXOrderTiming(), mode: .live, decisionMid: nil, at: ms(1_000), actions: &actions)
        #expect(actions.places.isEmpty)
        actions.removeAll()
        _ = OKXOrderStateMachine.submit(request("bad-id_1"), defaults: OKXOrderDefaults(), timing: OKXOrderTiming(), mode: .live, decisionMid: nil,
                                        at: ms(1_000), actions: &actions)
        #expect(actions.refusals.first?.contains("51000") == true)
    }

    @Test("a place that never left is failed as not sent")
    func neverWritten() {
        var (order, actions) = submitted()
        order.placeFailed(written: false, reason: "not connected", at: ms(1_001), actions: &actions)
        #expect(order.record.status == .failed)
        #expect(actions.refusals == ["not sent: not connected"])
    }

    @Test("push before ack: accepted once, fill applied, the ack changes nothing")
    func pushBeforeAck() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(1_010), actions: &actions)
        #expect(actions.events.map { if case .accepted = $0 { "accepted" } else if case .filled = $0 { "filled" } else { "other" } }
                .suffix(2) == ["accepted", "filled"])
        order.placeAnswered(ack(), at: ms(1_020), actions: &actions)
        #expect(actions.accepts == 1)
    }

    @Test("duplicate pushes: one fill per tradeId, one cancel per order")
    func duplicatePushes() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        let partial = update(.partiallyFilled, filled: "2", fill: fill("t1", "2"))
        order.venueUpdated(partial, at: ms(2_000), actions: &actions)
        order.venueUpdated(partial, at: ms(2_001), actions: &actions)
        let canceled = update(.canceled, filled: "2", cancelSource: "14")
        order.venueUpdated(canceled, at: ms(2_100), actions: &actions)
        order.venueUpdated(canceled, at: ms(2_101), actions: &actions)
        order.venueUpdated(partial, at: ms(2_102), actions: &actions)
        #expect(actions.fills.count == 1)
        let venueCancels = actions.compactMap { if case .canceledByVenue(_, let source) = $0 { source } else { nil } }
        #expect(venueCancels == [OKXCancelSource(code: "14")])
        #expect(order.record.rejectReason == "canceled by OKX: cancelSource 14 (IOC rest)")
        #expect(order.record.filledQuantity == qty("2"))
        #expect(actions.anomalies.isEmpty)
    }

    @Test("partial fills then cancel on request: canceled with the fills kept")
    func partialThenCancel() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(2_000), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "3", fill: fill("t2", "2")), at: ms(2_100), actions: &actions)
        order.requestCancel(at: ms(2_200), actions: &actions)
        order.requestCancel(at: ms(2_201), actions: &actions)
        let cancels = actions.compactMap { if case .cancel(let request) = $0 { request } else { nil } }
        #expect(cancels.count == 1)
        #expect(cancels.first?.body == #"{"instId":"BTC-USDT-SWAP","ordId":"9001"}"#)
        order.cancelAnswered(ack(), at: ms(2_250), actions: &actions)
        order.venueUpdated(update(.canceled, filled: "3", cancelSource: "1"), at: ms(2_300), actions: &actions)
        #expect(actions.canceled)
        #expect(order.record.status == .cancelled)
        #expect(order.record.filledQuantity == qty("3"))
        #expect(order.record.rejectReason == nil)
    }

    @Test("a cancel that races a fill: 51400, looked up, filled, cancel rejected")
    func cancelRacesFill() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.requestCancel(at: ms(2_000), actions: &actions)
        order.cancelAnswered(ack("51400", message: "Order cancellation failed as the order has been filled, canceled or does not exist"),
                             at: ms(2_050), actions: &actions)
        #expect(actions.lookups.count == 1)
        order.lookupAnswered(update(.filled, filled: "5", fill: fill("t9", "5")), at: ms(2_100), actions: &actions)
        #expect(order.record.status == .filled)
        #expect(actions.events.contains { if case .cancelRejected = $0 { true } else { false } })
    }

    @Test("50004 on place: in doubt, never resent, resolved by lookup")
    func ambiguous50004() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.placeAnswered(ack("50004", ordId: nil, message: "API endpoint request timeout"), at: ms(1_100), actions: &actions)
        #expect(actions.inDoubt)
        #expect(order.record.status == .pending)
        for tick in stride(from: Int64(1_200), through: 5_000, by: 100) { order.advance(to: ms(tick), actions: &actions) }
        #expect(actions.places.count == 1)
        // One lookup at a time: the next only after this one is answered or fails.
        #expect(actions.lookups.count == 1)
        order.lookupFailed(at: ms(5_000))
        order.advance(to: ms(6_000), actions: &actions)
        #expect(actions.lookups.count == 2)
        order.lookupAnswered(update(.live), at: ms(5_100), actions: &actions)
        #expect(order.record.status == .submitted)
        #expect(actions.refusals.isEmpty)
    }

    @Test("51016 on place: an earlier send landed; looked up and adopted, not rejected")
    func duplicateId() {
        var (order, actions) = submitted()
        order.placeAnswered(ack("51016", ordId: nil, message: "Client order ID already exists."), at: ms(1_100), actions: &actions)
        #expect(actions.lookups.count == 1)
        #expect(actions.refusals.isEmpty)
    }

    @Test("429 / 50011: not executed, the same order goes once more after the pause with a fresh expTime")
    func rateLimited() {
        var (order, actions) = submitted()
        order.placeWritten(at: ms(1_000))
        order.placeAnswered(ack("50011", ordId: nil, message: "Too Many Requests"), at: ms(1_100), actions: &actions)
        order.advance(to: ms(2_000), actions: &actions)
        #expect(actions.places.count == 1)
        order.advance(to: ms(3_100), actions: &actions)
        order.advance(to: ms(3_200), actions: &actions)
        #expect(actions.places.count == 2)
        #expect(actions.places.last?.clientOrderId == ClientOrderId("r00000000a1"))
        #expect(actions.places.last?.expiresAt == ms(8_100))
        #expect(OKXErrorClass(httpStatus: 429, code: nil) == .rateLimited)
    }

    @Test("a fill missed during a disconnect: the terminal push waits, fills are fetched, the missed one applied once")
    func missedFill() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(2_000), actions: &actions)
        // t2 (2 more) was pushed while disconnected; the next push says 3 filled and canceled.
        order.venueUpdated(update(.canceled, filled: "3", cancelSource: "1"), at: ms(5_000), actions: &actions)
        #expect(order.record.status == .partiallyFilled)
        #expect(actions.fetches.count == 1)
        order.fillsFetched([fill("t1", "1"), fill("t2", "2", at: "60010")], at: ms(5_100), actions: &actions)
        #expect(actions.fills.map(\.quantity) == [qty("1"), qty("2")])
        #expect(order.record.status == .cancelled)
        #expect(order.record.filledQuantity == qty("3"))
    }

    @Test("a missed fill that cannot be fetched is inferred from avgPx and reported; the real one later is not counted twice")
    func inferredFill() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1", at: "60000")), at: ms(2_000), actions: &actions)
        order.venueUpdated(update(.filled, filled: "5", average: "60020", fee: "1.2"), at: ms(5_000), actions: &actions)
        order.fillsFetchFailed(at: ms(5_100), actions: &actions)
        #expect(actions.inferred == [qty("4")])
        // (60020 × 5 − 60000 × 1) / 4 = 60025
        #expect(actions.fills.last?.price == px("60025"))
        #expect(actions.fills.last?.fee == money("0.96"))
        #expect(order.record.status == .filled)
        #expect(order.record.avgFillPrice == px("60020"))
        order.venueUpdated(update(.partiallyFilled, filled: "5", fill: fill("t2", "4", at: "60025")), at: ms(6_000), actions: &actions)
        #expect(actions.fills.count == 2)
    }

    @Test("a fee in another currency than the order's earlier fees still counts the fill")
    func feeCurrencyChange() {
        var (order, actions) = submitted(request("r00000000a1", btcUsdt, .buy, .limit, size: "2", price: "60000"))
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        var first = fill("t1", "1", fee: "0.001", instrument: btcUsdt)
        first.feeCurrency = "BTC"
        var second = fill("t2", "1", fee: "-0.5", instrument: btcUsdt)
        second.feeCurrency = "USDT"
        order.venueUpdated(update(.partiallyFilled, filled: "1", fill: first, size: "2", instrument: btcUsdt), at: ms(2_000), actions: &actions)
        order.venueUpdated(update(.filled, filled: "2", fill: second, size: "2", instrument: btcUsdt), at: ms(2_100), actions: &actions)
        #expect(actions.fills.map(\.feeCurrency) == ["BTC", "USDT"])
        #expect(actions.fills.last?.fee == money("-0.5"))
        #expect(order.record.status == .filled)
        #expect(order.record.commission == money("0.001"))
        #expect(actions.anomalies.count == 1)
    }

    @Test("invalid signature: refused and trading halted")
    func authentication() {
        var (order, actions) = submitted()
        order.placeAnswered(ack("50113", ordId: nil, message: "Invalid Sign"), at: ms(1_100), actions: &actions)
        #expect(order.record.status == .rejected)
        #expect(actions.halts.count == 1)
    }

    @Test("definitive rejection keeps OKX's code and message on the row")
    func rejected() {
        var (order, actions) = submitted()
        order.placeAnswered(ack("51008", ordId: nil, message: "Order failed. Insufficient USDT balance in account"), at: ms(1_100), actions: &actions)
        #expect(order.record.rejectReason == "OKX 51008: Order failed. Insufficient USDT balance in account")
        #expect(actions.refusals.count == 1)
        #expect(actions.lookups.isEmpty)
    }

    @Test("real spot market sell pushes: live, partial fill, fill-less 'filled' with less than ordered closes as filled")
    func realSpotMarketSequence() throws {
        let codec = OKXPrivateCodec()
        let lines = try fixtureLines("ws/private/orders.jsonl")
        var (order, actions) = submitted(request("r00000000a1", btcUsdt, .sell, .market, size: "0.0004", price: nil))
        order.placeWritten(at: ms(1_000))
        for line in lines[1...3] {
            guard case .orders(let updates) = try codec.decodeFrame(line) else { Issue.record("not orders"); return }
            for update in updates { order.venueUpdated(update, at: ms(2_000), actions: &actions) }
        }
        #expect(actions.accepts == 1)
        #expect(actions.fills.map(\.quantity) == [qty("0.00038128")])
        #expect(actions.fills.first?.fee == money("0.010000249968"))
        #expect(order.record.status == .filled)
        #expect(order.record.quantity == qty("0.00038128"))
        #expect(order.isDone)
    }

    @Test("amend: accepted by push with our reqId; in-doubt amend settled by lookup")
    func amend() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.requestAmend(quantity: qty("6"), price: nil, at: ms(2_000), actions: &actions)
        let amends = actions.compactMap { if case .amend(let request) = $0 { request } else { nil } }
        #expect(amends.first?.body == #"{"instId":"BTC-USDT-SWAP","ordId":"9001","reqId":"a1","newSz":"6"}"#)
        #expect(amends.first?.expiresAt == ms(7_000))
        order.amendAnswered(ack(), at: ms(2_050), actions: &actions)
        order.venueUpdated(update(.live, size: "6", reqId: "a1", amendResult: "0"), at: ms(2_100), actions: &actions)
        #expect(order.record.quantity == qty("6"))
        order.requestAmend(quantity: nil, price: px("59000"), at: ms(3_000), actions: &actions)
        order.amendFailed(at: ms(3_100), actions: &actions)
        order.lookupAnswered(update(.live, size: "6", price: "59000"), at: ms(3_200), actions: &actions)
        #expect(order.record.price == px("59000"))
        #expect(actions.events.filter { if case .amended = $0 { true } else { false } }.count == 2)
    }

    @Test("an amendment whose push was lost is adopted from the next push that shows it, before fills beyond the old size")
    func amendPushLost() {
        var (order, actions) = submitted()
        order.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        order.requestAmend(quantity: qty("8"), price: nil, at: ms(2_000), actions: &actions)
        order.amendAnswered(ack(), at: ms(2_050), actions: &actions)
        // The push with reqId a1 never arrives; the next one already fills 7 of 8.
        order.venueUpdated(update(.partiallyFilled, filled: "7", fill: fill("t1", "7"), size: "8"), at: ms(3_000), actions: &actions)
        #expect(order.record.quantity == qty("8"))
        #expect(actions.fills.map(\.quantity) == [qty("7")])
        #expect(actions.anomalies.isEmpty)
    }

    @Test("restored after a restart before OKX answered: in doubt, looked up, not placed only after now + expiry + skew")
    func restoredInDoubt() {
        let lifecycle = OrderLifecycle(request: request(), mode: .live, decisionMid: nil)
        var order = OKXOrderStateMachine.restore(lifecycle, tradeIds: [], unattributedQuantity: .zero, defaults: OKXOrderDefaults(),
                                                 timing: OKXOrderTiming(), at: ms(100_000))
        var actions: [OKXOrderAction] = []
        var now: Int64 = 100_000
        while !order.isDone && now < 120_000 {
            order.advance(to: ms(now), actions: &actions)
            if case .inDoubt(let doubt) = order.phase, doubt.lookupSentAt != nil { order.lookupAnswered(nil, at: ms(now + 10), actions: &actions) }
            #expect(!actions.expired || now >= 107_000, "declared not placed at \(now)")
            now += 500
        }
        #expect(actions.expired)
        #expect(order.record.status == .rejected)
    }

    @Test("restored with fills but no trade ids: re-read fills add only what is new")
    func restoredWithFills() throws {
        var (live, actions) = submitted()
        live.placeAnswered(ack(), at: ms(1_050), actions: &actions)
        live.venueUpdated(update(.partiallyFilled, filled: "1", fill: fill("t1", "1")), at: ms(2_000), actions: &actions)
        live.venueUpdated(update(.partiallyFilled, filled: "3", fill: fill("t2", "2")), at: ms(2_100), actions: &actions)
        // The process dies; the row says 3 filled, the database has no trade ids.
        var order = OKXOrderStateMachine.restore(live.lifecycle, tradeIds: [], unattributedQuantity: qty("3"),
                                                 defaults: OKXOrderDefaults(), timing: OKXOrderTiming(), at: ms(50_000))
        #expect(order.phase == .open)
        actions.removeAll()
        // Reconciliation: OKX says 4 filled; the buffered push of t3 arrives before the fills page.
        order.lookupAnswered(update(.partiallyFilled, filled: "4"), at: ms(50_100), actions: &actions)
        order.venueUpdated(update(.partiallyFilled, filled: "4", fill: fill("t3", "1")), at: ms(50_150), actions: &actions)
        order.fillsFetched([fill("t1", "1"), fill("t2", "2"), fill("t3", "1")], at: ms(50_200), actions: &actions)
        #expect(order.record.filledQuantity == qty("4"))
        #expect(actions.fills.reduce(Quantity.zero) { $0 + $1.quantity } == qty("1"))
        #expect(actions.inferred.isEmpty)
    }
}
