import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

@Suite("PaperVenue cancels, amendments, latency", .watchdog)
struct PaperVenueCancelAmendLatencyTests {
    @Test("a resting order is canceled; a second cancel is refused; unknown orders throw")
    func cancel() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("c1", ethSpot, .buy, .limit, "1", price: "98"), at: ms(1_000), events: &events)
        events.removeAll()
        try venue.cancel(ClientOrderId("c1"), at: ms(1_100), events: &events)
        #expect(events.cancelReasons == [nil])
        let record = try #require(venue.record(of: ClientOrderId("c1")))
        #expect(record.status == .cancelled)
        #expect(record.rejectReason == nil)
        #expect(record.completedAt == ms(1_100))
        #expect(record.totalLatencyMs == 100)
        // A print through 98 no longer fills it.
        events.removeAll()
        venue.handle(trade(ethSpot, "97", "10", taker: .sell, at: ms(1_200)), events: &events)
        #expect(events.isEmpty)
        try venue.cancel(ClientOrderId("c1"), at: ms(1_300), events: &events)
        #expect(events.count == 1)
        if case .cancelRejected(_, let reason) = events.first { #expect(reason == "order is already cancelled") } else {
            Issue.record("expected cancelRejected, got \(events)")
        }
        #expect(throws: VenueRequestError.unknownOrder(ClientOrderId("nope"))) {
            try venue.cancel(ClientOrderId("nope"), at: ms(1_300), events: &events)
        }
    }

    @Test("amend: below the filled size is refused; size and price changes apply; a crossing price takes")
    func amend() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("a1", ethSpot, .buy, .limit, "2", price: "98"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "97.5", "0.5", taker: .sell, at: ms(1_100)), events: &events)
        #expect(venue.record(of: ClientOrderId("a1"))?.filledQuantity == qty("0.5"))

        events.removeAll()
        try venue.amend(ClientOrderId("a1"), quantity: qty("0.4"), price: nil, at: ms(1_200), events: &events)
        if case .amendRejected(let record, let reason) = events.first {
            #expect(record.quantity == qty("2"))
            #expect(reason.contains("below the filled 0.5"))
        } else {
            Issue.record("expected amendRejected, got \(events)")
        }

        events.removeAll()
        try venue.amend(ClientOrderId("a1"), quantity: qty("1.5"), price: px("98.5"), at: ms(1_300), events: &events)
        guard case .amended(let amended) = events.first else { Issue.record("expected amended, got \(events)"); return }
        #expect(amended.quantity == qty("1.5"))
        #expect(amended.price == px("98.5"))
        #expect(amended.status == .partiallyFilled)

        // Re-pricing to 100 crosses the ask: the remaining 1 takes 1 @ 100 as taker.
        events.removeAll()
        try venue.amend(ClientOrderId("a1"), quantity: nil, price: px("100"), at: ms(1_400), events: &events)
        #expect(events.fills.map(\.price) == [px("100")])
        #expect(events.fills.map(\.liquidity) == [.taker])
        let record = try #require(venue.record(of: ClientOrderId("a1")))
        #expect(record.status == .filled)
        // 0.5 × 98 + 1 × 100 = 149 / 1.5 = 99.333333333333 (rounded to nearest)
        #expect(record.avgFillPrice == px("99.333333333333"))
        // Maker 0.5 × 0.0008 = 0.0004 plus taker 1 × 0.001 = 0.001
        #expect(record.commission == money("0.0014"))

        #expect(throws: VenueRequestError.emptyAmendment(ClientOrderId("a1"))) {
            try venue.amend(ClientOrderId("a1"), quantity: nil, price: nil, at: ms(1_500), events: &events)
        }
    }

    @Test("amending the size down to the filled size completes the order as filled")
    func amendToFilled() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("a2", ethSpot, .buy, .limit, "2", price: "98"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "97", "0.5", taker: .sell, at: ms(1_100)), events: &events)
        try venue.amend(ClientOrderId("a2"), quantity: qty("0.5"), price: nil, at: ms(1_200), events: &events)
        #expect(venue.record(of: ClientOrderId("a2"))?.status == .filled)
        events.removeAll()
        venue.handle(trade(ethSpot, "97", "5", taker: .sell, at: ms(1_300)), events: &events)
        #expect(events.isEmpty)
    }

    @Test("with latency an order is pending until it arrives and fills against the book at arrival")
    func latency() throws {
        let venue = threeLevelVenue(latencyMilliseconds: 50)
        var events: [VenueEvent] = []
        try venue.submit(order("t1", ethSpot, .buy, .market, "1", at: ms(1_000)), at: ms(1_000), events: &events)
        #expect(events.map(\.record.status) == [.pending])
        #expect(venue.record(of: ClientOrderId("t1"))?.venueOrderId == nil)

        // While in flight the best ask moves from 100 to 100.5.
        venue.handle(update(ethSpot, asks: [level("100", "0"), level("100.5", "1")], at: ms(1_020)), events: &events)
        #expect(events.fills.isEmpty)
        // A book message stamped exactly at the arrival is applied after the order matched.
        venue.handle(update(ethSpot, asks: [level("100.5", "0")], at: ms(1_050)), events: &events)

        #expect(events.fills.map(\.price) == [px("100.5")])
        #expect(events.fills.map(\.timestamp) == [ms(1_050)])
        let record = try #require(venue.record(of: ClientOrderId("t1")))
        #expect(record.submittedAt == ms(1_050))
        #expect(record.firstFillAt == ms(1_050))
        #expect(record.latencyMs == 50)
        #expect(record.totalLatencyMs == 50)
        // Slippage against the mid when the strategy decided (99.5): (100.5 − 99.5) / 99.5 → 101 bps
        #expect(record.slippageBps == 101)
    }

    @Test("a cancel sent right after the order arrives after it, one latency later")
    func latencyCancel() throws {
        let venue = threeLevelVenue(latencyMilliseconds: 30)
        var events: [VenueEvent] = []
        try venue.submit(order("t2", ethSpot, .buy, .limit, "1", price: "98"), at: ms(1_000), events: &events)
        try venue.cancel(ClientOrderId("t2"), at: ms(1_010), events: &events)
        venue.advance(to: ms(1_035), events: &events)
        #expect(venue.record(of: ClientOrderId("t2"))?.status == .submitted)
        // A print through the order between its arrival and the cancel's arrival fills it.
        venue.handle(trade(ethSpot, "97", "0.25", taker: .sell, at: ms(1_038)), events: &events)
        venue.advance(to: ms(1_040), events: &events)
        let record = try #require(venue.record(of: ClientOrderId("t2")))
        #expect(record.status == .cancelled)
        #expect(record.filledQuantity == qty("0.25"))
        #expect(record.completedAt == ms(1_040))
        #expect(record.totalLatencyMs == 40)
    }

    @Test("realized PnL attributed by the portfolio appears on the trade record")
    func attributePnl() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("z1", ethSpot, .sell, .market, "1"), at: ms(1_000), events: &events)
        let record = venue.attributeRealizedPnl(money("-12.5"), to: ClientOrderId("z1"))
        #expect(record?.realizedPnl == money("-12.5"))
        #expect(venue.openOrders.isEmpty)
        venue.forgetCompletedOrders()
        #expect(venue.record(of: ClientOrderId("z1")) == nil)
    }
}
