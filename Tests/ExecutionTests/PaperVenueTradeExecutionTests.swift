import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

/// ETH-USDT (tick 0.01) priced by trades only, slippage 2 ticks, after a trade at 100 at 1 s.
func tradeVenue(slippageTicks: Int = 2) -> PaperVenue {
    let venue = PaperVenue(instruments: [ethSpot], configuration: PaperVenueConfiguration(slippageTicks: slippageTicks))
    var events: [VenueEvent] = []
    venue.handle(trade(ethSpot, "100", "0.5", taker: .sell, at: ms(1_000)), events: &events)
    return venue
}

@Suite("PaperVenue trade execution (no book, trades)", .watchdog)
struct PaperVenueTradeExecutionTests {
    @Test("a market order takes at the last trade plus the slippage ticks, at once")
    func marketOrderAtLastTrade() throws {
        let venue = tradeVenue()
        #expect(venue.fillModel(of: ethSpot.id) == .trades)
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "3", at: ms(2_000)), at: ms(2_000), events: &events)
        try venue.submit(order("m2", ethSpot, .sell, .market, "1", at: ms(2_000)), at: ms(2_000), events: &events)
        #expect(events.fills.map(\.price) == [px("100.02"), px("99.98")])
        #expect(events.fills.map(\.quantity) == [qty("3"), qty("1")], "a price point has no depth: taking orders fill whole")
        #expect(events.fills.map(\.timestamp) == [ms(2_000), ms(2_000)])
        // 3 ETH × 0.10% = 0.003 ETH; 99.98 × 0.10% = 0.09998 USDT.
        #expect(events.fills.map(\.fee) == [money("0.003"), money("0.09998")])
        let record = try #require(venue.record(of: ClientOrderId("m1")))
        #expect(record.status == .filled)
        #expect(record.notes == "fill_model=trades")
        // (100.02 − 100) / 100 × 10 000 = 2 bps.
        #expect(record.slippageBps == 2)
    }

    @Test("a resting limit fills on trades through it, at its price, up to each trade's size; a trade at its price does not fill it")
    func restingLimitOnTrades() throws {
        let venue = tradeVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("l1", ethSpot, .buy, .limit, "1", price: "99.5", at: ms(2_000)), at: ms(2_000), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(trade(ethSpot, "99.5", "5", taker: .sell, at: ms(3_000)), events: &events)
        #expect(events.fills.isEmpty, "the queue ahead at 99.5 is unknown")
        venue.handle(trade(ethSpot, "99.4", "0.3", taker: .sell, at: ms(4_000)), events: &events)
        venue.handle(trade(ethSpot, "99.3", "2", taker: .sell, at: ms(5_000)), events: &events)
        #expect(events.fills.map(\.quantity) == [qty("0.3"), qty("0.7")])
        #expect(events.fills.map(\.price) == [px("99.5"), px("99.5")])
        #expect(events.fills.allSatisfy { $0.liquidity == .maker })
        #expect(venue.record(of: ClientOrderId("l1"))?.fillModel == .trades)
    }

    @Test("a limit reaching the last trade takes at once; re-pricing a resting one to reach it takes too")
    func marketableAndAmendedLimits() throws {
        let venue = tradeVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("c1", ethSpot, .buy, .limit, "1", price: "100.01", at: ms(2_000)), at: ms(2_000), events: &events)
        #expect(events.fills.map(\.price) == [px("100.01")], "100 + 2 ticks, capped at the limit")
        try venue.submit(order("c2", ethSpot, .buy, .limit, "1", price: "99", at: ms(2_000)), at: ms(2_000), events: &events)
        try venue.amend(ClientOrderId("c2"), quantity: nil, price: px("101"), at: ms(2_500), events: &events)
        #expect(events.fills.map(\.price) == [px("100.01"), px("100.02")])
        #expect(events.fills.map(\.liquidity) == [.taker, .taker])
        #expect(venue.record(of: ClientOrderId("c2"))?.status == .filled)
    }

    @Test("a post-only at or through the last trade is refused; one below it rests")
    func postOnly() throws {
        let venue = tradeVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("p1", ethSpot, .buy, .postOnly, "1", price: "100", at: ms(2_000)), at: ms(2_000), events: &events)
        try venue.submit(order("p2", ethSpot, .buy, .postOnly, "1", price: "99.99", at: ms(2_000)), at: ms(2_000), events: &events)
        #expect(events.cancelReasons == [.postOnlyWouldTake(price: px("100"), opposite: px("100"))])
        #expect(venue.record(of: ClientOrderId("p2"))?.status == .submitted)
    }

    @Test("a sell never slips below one tick")
    func slippageFloor() throws {
        let venue = PaperVenue(instruments: [ethSpot], configuration: PaperVenueConfiguration(slippageTicks: 5))
        var events: [VenueEvent] = []
        venue.handle(trade(ethSpot, "0.02", "1", taker: .sell, at: ms(1_000)), events: &events)
        try venue.submit(order("s1", ethSpot, .sell, .market, "1", at: ms(2_000)), at: ms(2_000), events: &events)
        #expect(events.fills.map(\.price) == [px("0.01")])
    }

    @Test("candles then trades: an order waiting for the next bar meets the first trade, and trades price the instrument from then on")
    func candlesThenTrades() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(trade(ethSpot, "100.7", "0.1", taker: .buy, at: ms(70_000)), events: &events)
        #expect(venue.fillModel(of: ethSpot.id) == .trades)
        #expect(events.fills.map(\.price) == [px("100.72")])
        #expect(venue.record(of: ClientOrderId("m1"))?.fillModel == .trades)
        // A later bar is no price path any more.
        try venue.submit(order("l1", ethSpot, .buy, .limit, "1", price: "99", at: ms(70_000)), at: ms(70_000), events: &events)
        venue.handle(bar("100", "101", "95", "96", at: ms(120_000)), events: &events)
        #expect(events.fills.count == 1)
    }
}
