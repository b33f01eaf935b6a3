import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

@Suite("PaperVenue limit, post-only, IOC, FOK", .watchdog)
struct PaperVenueLimitOrderTests {
    @Test("a limit buy rests, then fills as maker when trades print at and through its price")
    func limitRestsThenFills() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("l1", ethSpot, .buy, .limit, "2", price: "99.5"), at: ms(1_000), events: &events)
        #expect(events.fills.isEmpty)
        #expect(venue.record(of: ClientOrderId("l1"))?.status == .submitted)

        // A buyer-initiated print at 99.5 is on our side of the book: no fill.
        venue.handle(trade(ethSpot, "99.5", "4", taker: .buy, at: ms(1_100)), events: &events)
        // A print above the bid does not reach it either.
        venue.handle(trade(ethSpot, "99.6", "4", taker: .sell, at: ms(1_150)), events: &events)
        #expect(events.fills.isEmpty)
        // A seller hits 99.5 for 0.5: nobody ahead of us at a new price level, we get 0.5.
        venue.handle(trade(ethSpot, "99.5", "0.5", taker: .sell, at: ms(1_200)), events: &events)
        // A print through our price (99) fills the remaining 1.5 of its 3.
        venue.handle(trade(ethSpot, "99", "3", taker: .sell, at: ms(1_300)), events: &events)

        #expect(events.fills.map(\.quantity) == [qty("0.5"), qty("1.5")])
        #expect(events.fills.map(\.price) == [px("99.5"), px("99.5")])
        #expect(events.fills.allSatisfy { $0.liquidity == .maker })
        // Maker 0.08% in ETH: 0.0004 + 0.0012
        #expect(events.fills.map(\.fee) == [money("0.0004"), money("0.0012")])
        #expect(events.fills.map(\.timestamp) == [ms(1_200), ms(1_300)])
        let record = try #require(venue.record(of: ClientOrderId("l1")))
        #expect(record.status == .filled)
        #expect(record.avgFillPrice == px("99.5"))
        #expect(record.commission == money("0.0016"))
        #expect(record.slippageBps == 0)
        #expect(record.firstFillAt == ms(1_200))
        #expect(record.completedAt == ms(1_300))
        #expect(record.latencyMs == 0)
        #expect(record.totalLatencyMs == 300)
    }

    @Test("a resting order waits for the queue ahead of it; a level shown smaller caps the queue, the rest awaits its trades")
    func queuePosition() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        // 5 already rest at 99: we are behind them.
        try venue.submit(order("q1", ethSpot, .buy, .limit, "1", price: "99"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "99", "3", taker: .sell, at: ms(1_100)), events: &events)
        #expect(events.fills.isEmpty) // queue ahead 5 -> 2
        // The level shows only 1 now: at most 1 is ahead of us, but the other 1 may be a trade
        // not received yet, so the next 1 traded at 99 is taken to be it.
        venue.handle(update(ethSpot, bids: [level("99", "1")], at: ms(1_200)), events: &events)
        venue.handle(trade(ethSpot, "99", "1.5", taker: .sell, at: ms(1_300)), events: &events)
        #expect(events.fills.isEmpty) // 1 explains the smaller level, 0.5 of the 1 ahead traded
        venue.handle(trade(ethSpot, "99", "1", taker: .sell, at: ms(1_400)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.5")])
        #expect(venue.record(of: ClientOrderId("q1"))?.status == .partiallyFilled)
    }

    @Test("a limit order that crosses takes as taker up to its price and rests the rest as maker")
    func marketableLimit() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("x1", ethSpot, .buy, .limit, "4", price: "101"), at: ms(1_000), events: &events)
        #expect(events.fills.map(\.price) == [px("100"), px("101")])
        #expect(events.fills.map(\.liquidity) == [.taker, .taker])
        #expect(venue.record(of: ClientOrderId("x1"))?.status == .partiallyFilled)
        venue.handle(trade(ethSpot, "100.5", "2", taker: .sell, at: ms(1_100)), events: &events)
        #expect(events.fills.last?.liquidity == .maker)
        #expect(events.fills.last?.quantity == qty("1"))
        // 1 × 100 + 2 × 101 + 1 × 101 = 403 / 4 = 100.75
        #expect(venue.record(of: ClientOrderId("x1"))?.avgFillPrice == px("100.75"))
    }

    @Test("a post-only order that would take liquidity is canceled; one that would not rests")
    func postOnly() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("p1", ethSpot, .buy, .postOnly, "1", price: "100"), at: ms(1_000), events: &events)
        #expect(events.fills.isEmpty)
        #expect(events.cancelReasons == [.postOnlyWouldTake(price: px("100"), opposite: px("100"))])
        let record = try #require(venue.record(of: ClientOrderId("p1")))
        #expect(record.status == .cancelled)
        #expect(record.filledQuantity == .zero)
        #expect(record.rejectReason == "post_only canceled: price 100 would take liquidity against 100")

        events.removeAll()
        try venue.submit(order("p2", ethSpot, .buy, .postOnly, "1", price: "99.99"), at: ms(1_000), events: &events)
        #expect(venue.record(of: ClientOrderId("p2"))?.status == .submitted)
        // Amending it to a crossing price cancels it too.
        try venue.amend(ClientOrderId("p2"), quantity: nil, price: px("100"), at: ms(1_100), events: &events)
        #expect(events.cancelReasons == [.postOnlyWouldTake(price: px("100"), opposite: px("100"))])
        #expect(venue.record(of: ClientOrderId("p2"))?.status == .cancelled)
    }

    @Test("an IOC fills what is available at its price or better and cancels the rest")
    func immediateOrCancel() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("i1", ethSpot, .buy, .ioc, "5", price: "101"), at: ms(1_000), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("1"), qty("2")])
        #expect(events.cancelReasons == [.immediateOrCancelRest(unfilled: qty("2"))])
        let record = try #require(venue.record(of: ClientOrderId("i1")))
        #expect(record.status == .cancelled)
        #expect(record.filledQuantity == qty("3"))
        // 302 / 3 = 100.6666… rounded to nearest at 12 decimals
        #expect(record.avgFillPrice == px("100.666666666667"))
        #expect(record.commission == money("0.003"))
        // Nothing rests afterwards: a print through 101 fills nothing.
        events.removeAll()
        venue.handle(trade(ethSpot, "100", "10", taker: .sell, at: ms(1_100)), events: &events)
        #expect(events.isEmpty)
    }

    @Test("a FOK that cannot fill completely is canceled with nothing filled")
    func fillOrKillFails() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("f1", ethSpot, .buy, .fok, "5", price: "101"), at: ms(1_000), events: &events)
        #expect(events.fills.isEmpty)
        #expect(events.cancelReasons == [.fillOrKillUnfillable(available: qty("3"))])
        #expect(venue.record(of: ClientOrderId("f1"))?.status == .cancelled)
        // The book is untouched.
        #expect(venue.book(of: ethSpot.id)?.asks.count == 3)
    }

    @Test("a FOK that can fill completely fills as taker")
    func fillOrKillSucceeds() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("f2", ethSpot, .buy, .fok, "3", price: "101"), at: ms(1_000), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("1"), qty("2")])
        let record = try #require(venue.record(of: ClientOrderId("f2")))
        #expect(record.status == .filled)
        #expect(record.avgFillPrice == px("100.666666666667"))
    }
}
