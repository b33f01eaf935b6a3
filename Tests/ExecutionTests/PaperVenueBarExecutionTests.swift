import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

/// A confirmed (or not) ETH-USDT bar opening at `openTime`.
func bar(_ open: String, _ high: String, _ low: String, _ close: String, at openTime: Timestamp,
         interval: CandleInterval = .oneMinute, confirmed: Bool? = true) -> MarketEvent {
    .candle(Candle(instrument: ethSpot.id, interval: interval, openTime: openTime, open: px(open), high: px(high), low: px(low),
                   close: px(close), volume: qty("100"), isConfirmed: confirmed))
}

/// ETH-USDT (tick 0.01) priced by bars only, slippage 2 ticks, OKX regular spot fees (maker
/// 0.08%, taker 0.10%), after one bullish bar at 60 s (open 100, high 101, low 99, close 100.5).
func barVenue(slippageTicks: Int = 2) -> PaperVenue {
    let venue = PaperVenue(instruments: [ethSpot], configuration: PaperVenueConfiguration(slippageTicks: slippageTicks))
    var events: [VenueEvent] = []
    venue.handle(bar("100", "101", "99", "100.5", at: ms(60_000)), events: &events)
    return venue
}

@Suite("PaperVenue bar execution (no book, candles)", .watchdog)
struct PaperVenueBarExecutionTests {
    @Test("a bullish bar is played open, low, high, close; a bearish one open, high, low, close")
    func barPath() {
        #expect(BarPath(open: px("100"), high: px("105"), low: px("98"), close: px("104")).points == [px("100"), px("98"), px("105"), px("104")])
        #expect(BarPath(open: px("100"), high: px("103"), low: px("95"), close: px("96")).points == [px("100"), px("103"), px("95"), px("96")])
        // A doji (close == open) counts as bullish.
        #expect(BarPath(open: px("100"), high: px("102"), low: px("97"), close: px("100")).points == [px("100"), px("97"), px("102"), px("100")])
        let path = BarPath(open: px("1"), high: px("4"), low: px("0.5"), close: px("2"))
        #expect((0..<BarPath.count).map { path[$0] } == path.points)
    }

    @Test("a market buy waits for the next bar's open and pays the slippage ticks as taker")
    func marketBuyFillsAtNextOpen() throws {
        let venue = barVenue()
        #expect(venue.fillModel(of: ethSpot.id) == .candles)
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        #expect(events.fills.isEmpty, "the bar that made the strategy decide is over: nothing fills at its prices")
        #expect(venue.record(of: ClientOrderId("m1"))?.status == .submitted)

        venue.handle(bar("101", "103", "100.8", "102", at: ms(120_000)), events: &events)
        // Open 101 + 2 ticks of 0.01.
        #expect(events.fills.map(\.price) == [px("101.02")])
        #expect(events.fills.map(\.quantity) == [qty("1")])
        #expect(events.fills.map(\.liquidity) == [.taker])
        // Taker 0.10% of 1 ETH, in ETH.
        #expect(events.fills.map(\.fee) == [money("0.001")])
        #expect(events.fills.map(\.timestamp) == [ms(120_000)])
        let record = try #require(venue.record(of: ClientOrderId("m1")))
        #expect(record.status == .filled)
        #expect(record.fillModel == .candles)
        #expect(record.notes == "fill_model=candles")
        // Against the last close 100.5: (101.02 − 100.5) / 100.5 × 10 000 = 51.7… → 52 bps.
        #expect(record.slippageBps == 52)
        #expect(record.latencyMs == 0)
        #expect(record.totalLatencyMs == 60_000)
    }

    @Test("a market sell on a bearish bar gets the open minus the slippage ticks, fee in the quote currency")
    func marketSellOnBearishBar() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("s1", ethSpot, .sell, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("100", "100.2", "98", "98.5", at: ms(120_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("99.98")])
        // 99.98 × 1 × 0.10% = 0.09998 USDT.
        #expect(events.fills.map(\.fee) == [money("0.09998")])
        #expect(events.fills.map(\.feeCurrency) == ["USDT"])
    }

    @Test("slippage is configurable; zero ticks fills at the price point itself")
    func zeroSlippage() throws {
        let venue = barVenue(slippageTicks: 0)
        var events: [VenueEvent] = []
        try venue.submit(order("m0", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("101", "103", "100.8", "102", at: ms(120_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("101")])
    }

    @Test("a bar reaching a resting buy below and a resting sell above fills them in the order its direction implies")
    func pathOrderDecidesWhichFillsFirst() throws {
        for (close, expected) in [("102", ["b", "s"]), ("100", ["s", "b"])] {
            let venue = barVenue()
            var events: [VenueEvent] = []
            try venue.submit(order("b", ethSpot, .buy, .limit, "1", price: "99", at: ms(60_000)), at: ms(60_000), events: &events)
            try venue.submit(order("s", ethSpot, .sell, .limit, "1", price: "103", at: ms(60_000)), at: ms(60_000), events: &events)
            // Neither reaches the next open (101): both rest, then the low 98 and the high 104 go through them.
            venue.handle(bar("101", "104", "98", close, at: ms(120_000)), events: &events)
            #expect(events.fills.map(\.clientOrderId.rawValue) == expected, "close \(close)")
            #expect(events.fills.map(\.liquidity) == [.maker, .maker])
            // Filled at their own prices; maker 0.08%: 0.0008 ETH on the buy, 103 × 0.0008 = 0.0824 USDT on the sell.
            let fills = Dictionary(uniqueKeysWithValues: events.fills.map { ($0.clientOrderId.rawValue, $0) })
            #expect(fills["b"]?.price == px("99") && fills["b"]?.fee == money("0.0008"))
            #expect(fills["s"]?.price == px("103") && fills["s"]?.fee == money("0.0824"))
        }
    }

    @Test("a resting limit is filled by a bar going through its price, not by one touching it")
    func touchDoesNotFillThroughDoes() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("l1", ethSpot, .buy, .limit, "2", price: "99", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("100", "101", "99", "100.5", at: ms(120_000)), events: &events)
        #expect(events.fills.isEmpty, "a low at the price says nothing about the queue ahead")
        venue.handle(bar("100", "100", "98.99", "99.5", at: ms(180_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("99")])
        #expect(events.fills.map(\.quantity) == [qty("2")], "a bar's prices have no depth: the order fills whole")
        #expect(events.fills.map(\.timestamp) == [ms(180_000)])
        #expect(venue.record(of: ClientOrderId("l1"))?.status == .filled)
    }

    @Test("a limit reaching the next open takes there as taker, at the slipped price capped at its limit")
    func marketableLimitTakesAtOpen() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("c1", ethSpot, .buy, .limit, "1", price: "101.01", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("c2", ethSpot, .buy, .limit, "1", price: "102", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("c3", ethSpot, .sell, .limit, "1", price: "100.99", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("101", "101.5", "100.5", "101.2", at: ms(120_000)), events: &events)
        let prices = Dictionary(uniqueKeysWithValues: events.fills.map { ($0.clientOrderId.rawValue, $0.price) })
        #expect(prices == ["c1": px("101.01"), "c2": px("101.02"), "c3": px("100.99")])
        #expect(events.fills.allSatisfy { $0.liquidity == .taker })
    }

    @Test("post-only, IOC and FOK meet the next open: post-only is refused when it would take, IOC and FOK are canceled when they do not reach it")
    func postOnlyIocFok() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("p1", ethSpot, .buy, .postOnly, "1", price: "101", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("p2", ethSpot, .buy, .postOnly, "1", price: "100.5", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("i1", ethSpot, .buy, .ioc, "1", price: "100", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("f1", ethSpot, .buy, .fok, "1", price: "100", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("101", "101.5", "100", "101.2", at: ms(120_000)), events: &events)
        #expect(events.cancelReasons == [.postOnlyWouldTake(price: px("101"), opposite: px("101")),
                                         .immediateOrCancelRest(unfilled: qty("1")), .fillOrKillUnfillable(available: .zero)])
        // p2 rested at the open and the low (100) went through it.
        #expect(events.fills.map(\.clientOrderId.rawValue) == ["p2"])
        #expect(events.fills.map(\.price) == [px("100.5")])
        #expect(events.fills.map(\.liquidity) == [.maker])
    }

    @Test("unconfirmed bars and bars coarser than the ones already played are not price paths")
    func unconfirmedAndCoarserBarsAreIgnored() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("90", "91", "89", "90.5", at: ms(120_000), confirmed: false), events: &events)
        venue.handle(bar("95", "96", "94", "95.5", at: ms(120_000), interval: .oneHour), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(bar("101", "102", "100", "101.5", at: ms(120_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("101.02")])
    }

    @Test("an order that reached the venue after a bar began is not filled by that bar")
    func noFillFromABarThatBeganBeforeTheOrder() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        venue.advance(to: ms(150_000), events: &events)
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(150_000)), at: ms(150_000), events: &events)
        // The 120 s bar, confirmed late (its close came at 180 s), began before the order arrived.
        venue.handle(bar("101", "102", "100", "101.5", at: ms(120_000)), events: &events)
        #expect(events.fills.isEmpty)
        venue.handle(bar("102", "103", "101", "102.5", at: ms(180_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("102.02")])
    }

    @Test("with latency the order meets the first bar opening after it arrives")
    func latency() throws {
        let venue = PaperVenue(instruments: [ethSpot], configuration: PaperVenueConfiguration(latencyMilliseconds: 90_000, slippageTicks: 0))
        var events: [VenueEvent] = []
        venue.handle(bar("100", "101", "99", "100.5", at: ms(60_000)), events: &events)
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(bar("101", "102", "100", "101.5", at: ms(120_000)), events: &events)
        #expect(events.fills.isEmpty, "still in flight until 150 s")
        venue.handle(bar("102", "103", "101", "102.5", at: ms(180_000)), events: &events)
        #expect(events.fills.map(\.price) == [px("102")])
    }

    @Test("a book, once it arrives, wins: waiting orders match it at once and bars no longer fill")
    func bookWins() throws {
        let venue = barVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "1", at: ms(60_000)), at: ms(60_000), events: &events)
        try venue.submit(order("l1", ethSpot, .buy, .limit, "1", price: "99", at: ms(60_000)), at: ms(60_000), events: &events)
        venue.handle(snapshot(ethSpot, bids: [level("100.4", "5")], asks: [level("100.6", "5")], at: ms(90_000)), events: &events)
        #expect(venue.fillModel(of: ethSpot.id) == .book)
        #expect(events.fills.map(\.price) == [px("100.6")], "the book's ask, no slippage ticks")
        #expect(venue.record(of: ClientOrderId("m1"))?.fillModel == .book)
        // l1 was waiting for a price point; it rests in the book now, and a bar through it is not a trade.
        venue.handle(bar("99", "99", "90", "95", at: ms(120_000)), events: &events)
        #expect(events.fills.count == 1)
        #expect(venue.record(of: ClientOrderId("l1"))?.status == .submitted)
    }

    @Test("without any market data for the instrument a market order is still canceled for no liquidity")
    func noDataNoFill() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "1"), at: ms(1_000), events: &events)
        #expect(events.cancelReasons == [.noLiquidity])
        #expect(venue.fillModel(of: ethSpot.id) == nil)
        #expect(venue.record(of: ClientOrderId("m1"))?.notes == nil)
    }
}
