import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

/// Queue position of resting orders: depth beyond the visible book, book and trade channels out
/// of step, and trades stamped before an order reached the venue.
@Suite("PaperVenue queue position", .watchdog)
struct PaperVenueQueueTests {
    func books5(_ instrument: Instrument, bids: [BookLevel], asks: [BookLevel], at time: Timestamp) -> MarketEvent {
        .book(BookUpdate(instrument: instrument.id, channel: .books5, action: .snapshot, bids: bids, asks: asks, timestamp: time))
    }

    @Test("a buy below the last visible bid has an unknown queue: a trade at its price does not fill it, one through it does")
    func unknownQueueBelowVisibleBids() throws {
        let venue = threeLevelVenue() // one bid level: 99 × 5
        var events: [VenueEvent] = []
        try venue.submit(order("u1", ethSpot, .buy, .limit, "2", price: "98"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "98", "1", taker: .sell, at: ms(1_100)), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(trade(ethSpot, "97.5", "0.5", taker: .sell, at: ms(1_200)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.5")])
        #expect(events.fills.map(\.price) == [px("98")])
    }

    @Test("an unknown queue becomes the level's size once a book message shows the level")
    func unknownQueueResolvedByBook() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("u2", ethSpot, .buy, .limit, "2", price: "98"), at: ms(1_000), events: &events)
        venue.handle(update(ethSpot, bids: [level("98", "3")], at: ms(1_100)), events: &events)
        venue.handle(trade(ethSpot, "98", "2", taker: .sell, at: ms(1_200)), events: &events)
        #expect(events.fills.isEmpty) // queue ahead 3 -> 1
        venue.handle(trade(ethSpot, "98", "2", taker: .sell, at: ms(1_300)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("1")])
    }

    @Test("books5: a sell beyond the fifth ask waits for a push that shows its level")
    func unknownQueueBeyondBooks5() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        let asks = ["100", "101", "102", "103", "104"].map { level($0, "1") }
        venue.handle(books5(ethSpot, bids: [level("99", "1")], asks: asks, at: ms(500)), events: &events)
        try venue.submit(order("u3", ethSpot, .sell, .limit, "1", price: "105"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "105", "3", taker: .buy, at: ms(1_100)), events: &events)
        #expect(events.fills.isEmpty)
        // The book moved up: 105 is the third level now, 2 rest there.
        let higher = ["103", "104", "105", "106", "107"].map { level($0, $0 == "105" ? "2" : "1") }
        venue.handle(books5(ethSpot, bids: [level("102", "1")], asks: higher, at: ms(1_200)), events: &events)
        venue.handle(trade(ethSpot, "105", "2.25", taker: .buy, at: ms(1_300)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.25")])
    }

    @Test("an empty side counts as beyond the visible depth")
    func unknownQueueOnEmptySide() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        venue.handle(snapshot(ethSpot, bids: [level("99", "1")], asks: [], at: ms(500)), events: &events)
        try venue.submit(order("u4", ethSpot, .sell, .limit, "1", price: "101"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "101", "1", taker: .buy, at: ms(1_100)), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(trade(ethSpot, "101.5", "0.5", taker: .buy, at: ms(1_200)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.5")])
    }

    @Test("a price in a gap of the visible depth or better than the best level has no queue")
    func noQueueInsideVisibleDepth() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        venue.handle(snapshot(ethSpot, bids: [level("99", "5"), level("97", "5")], asks: [level("101", "5")], at: ms(500)),
                     events: &events)
        try venue.submit(order("g1", ethSpot, .buy, .limit, "1", price: "98"), at: ms(1_000), events: &events)
        try venue.submit(order("g2", ethSpot, .sell, .limit, "1", price: "100"), at: ms(1_000), events: &events)
        venue.handle(trade(ethSpot, "98", "0.5", taker: .sell, at: ms(1_100)), events: &events)
        venue.handle(trade(ethSpot, "100", "0.25", taker: .buy, at: ms(1_200)), events: &events)
        #expect(events.fills.map(\.clientOrderId) == [ClientOrderId("g1"), ClientOrderId("g2")])
        #expect(events.fills.map(\.quantity) == [qty("0.5"), qty("0.25")])
    }

    @Test("a book message that shows a trade before the trade arrives does not shrink the queue twice")
    func bookBeforeItsTrade() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        venue.handle(snapshot(ethSpot, bids: [level("100", "10")], asks: [level("101", "5")], at: ms(500)), events: &events)
        try venue.submit(order("b1", ethSpot, .buy, .limit, "2", price: "100"), at: ms(1_000), events: &events)
        // 3 traded at 1 050; the book shows it first.
        venue.handle(update(ethSpot, bids: [level("100", "7")], at: ms(1_100)), events: &events)
        venue.handle(trade(ethSpot, "100", "3", taker: .sell, at: ms(1_050)), events: &events)
        #expect(events.fills.isEmpty) // queue ahead still 7
        venue.handle(trade(ethSpot, "100", "8", taker: .sell, at: ms(1_200)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("1")])
    }

    @Test("a trade stamped before the order reached the venue neither fills it nor moves its queue")
    func tradeBeforeArrival() throws {
        let venue = threeLevelVenue(latencyMilliseconds: 50)
        var events: [VenueEvent] = []
        try venue.submit(order("e1", ethSpot, .buy, .limit, "1", price: "99.5", at: ms(1_000)), at: ms(1_000), events: &events)
        // A later book message lets the order arrive (1 050) and rest with nobody ahead of it.
        venue.handle(update(ethSpot, asks: [level("103", "3")], at: ms(1_060)), events: &events)
        #expect(venue.record(of: ClientOrderId("e1"))?.status == .submitted)
        // Trades from before its arrival, delivered late by the trades channel.
        venue.handle(trade(ethSpot, "99", "2", taker: .sell, at: ms(1_040)), events: &events)
        venue.handle(trade(ethSpot, "99.5", "2", taker: .sell, at: ms(1_045)), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(trade(ethSpot, "99.5", "0.4", taker: .sell, at: ms(1_070)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.4")])
        #expect(events.fills.map(\.timestamp) == [ms(1_070)])
    }

    @Test("after a re-queuing amendment, trades stamped before the amendment arrived do not consume the new queue")
    func tradeBeforeAmendmentArrival() throws {
        let venue = threeLevelVenue(latencyMilliseconds: 50)
        var events: [VenueEvent] = []
        try venue.submit(order("e2", ethSpot, .buy, .limit, "1", price: "99.5", at: ms(1_000)), at: ms(1_000), events: &events)
        venue.advance(to: ms(1_060), events: &events)
        // Re-priced to 99, behind the 5 there; the amendment arrives at 1 150.
        try venue.amend(ClientOrderId("e2"), quantity: nil, price: px("99"), at: ms(1_100), events: &events)
        venue.advance(to: ms(1_200), events: &events)
        venue.handle(trade(ethSpot, "99", "5", taker: .sell, at: ms(1_120)), events: &events)
        venue.handle(trade(ethSpot, "99", "5", taker: .sell, at: ms(1_210)), events: &events)
        #expect(events.fills.isEmpty) // the 1 210 trade cleared the queue of 5
        venue.handle(trade(ethSpot, "99", "1", taker: .sell, at: ms(1_220)), events: &events)
        #expect(events.fills.map(\.timestamp) == [ms(1_220)])
        #expect(events.fills.map(\.quantity) == [qty("1")])
    }

    @Test("a trade through several of our resting orders fills the best-priced first, then the earliest")
    func pricePriorityAmongOwnOrders() throws {
        let venue = threeLevelVenue() // bids 99 × 5
        var events: [VenueEvent] = []
        try venue.submit(order("p1", ethSpot, .buy, .limit, "1", price: "99"), at: ms(1_000), events: &events)
        try venue.submit(order("p2", ethSpot, .buy, .limit, "1", price: "99.5"), at: ms(1_001), events: &events)
        try venue.submit(order("p3", ethSpot, .buy, .limit, "1", price: "99.5"), at: ms(1_002), events: &events)
        venue.handle(trade(ethSpot, "98.9", "1.5", taker: .sell, at: ms(1_100)), events: &events)
        #expect(events.fills.map(\.clientOrderId.rawValue) == ["p2", "p3"])
        #expect(events.fills.map(\.quantity) == [qty("1"), qty("0.5")])
    }
}
