import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

@Suite("PaperVenue market orders", .watchdog)
struct PaperVenueMarketOrderTests {
    @Test("a market buy walks three levels: fills, average price, base-currency fees, slippage")
    func marketBuyAcrossThreeLevels() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("m1", ethSpot, .buy, .market, "5"), at: ms(1_000), events: &events)

        // 1 @ 100, 2 @ 101, then 2 of the 4 @ 103.
        #expect(events.fills.map(\.price) == [px("100"), px("101"), px("103")])
        #expect(events.fills.map(\.quantity) == [qty("1"), qty("2"), qty("2")])
        #expect(events.fills.allSatisfy { $0.liquidity == .taker && $0.feeCurrency == "ETH" })
        // Taker 0.10% of the base size: 0.001, 0.002, 0.002 ETH.
        #expect(events.fills.map(\.fee) == [money("0.001"), money("0.002"), money("0.002")])

        let record = try #require(venue.record(of: ClientOrderId("m1")))
        #expect(record.status == .filled)
        #expect(record.filledQuantity == qty("5"))
        // (100 + 202 + 206) / 5 = 101.6
        #expect(record.avgFillPrice == px("101.6"))
        #expect(record.commission == money("0.005"))
        #expect(record.commissionAsset == "ETH")
        // (101.6 − 99.5) / 99.5 × 10 000 = 211.055… → 211 bps
        #expect(record.slippageBps == 211)
        #expect(record.venueOrderId == VenueOrderId("PAPER-00000001"))
        #expect(record.mode == .paper)
        #expect(record.price == nil)
        #expect(record.latencyMs == 0 && record.totalLatencyMs == 0)
        #expect(record.submittedAt == ms(1_000) && record.firstFillAt == ms(1_000) && record.completedAt == ms(1_000))

        // The venue's book lost the taken liquidity: 2 left at 103.
        let book = try #require(venue.book(of: ethSpot.id))
        #expect(book.asks == [level("103", "2")])
        #expect(events.map(\.record.status) == [.pending, .submitted, .partiallyFilled, .partiallyFilled, .filled])
    }

    @Test("a market order larger than the book fills what is there and cancels the rest, as OKX does")
    func marketOrderExhaustsBook() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("m2", ethSpot, .buy, .market, "10"), at: ms(1_000), events: &events)
        let record = try #require(venue.record(of: ClientOrderId("m2")))
        #expect(record.status == .cancelled)
        #expect(record.filledQuantity == qty("7"))
        // (100 + 202 + 412) / 7 = 102.000000000000 (714 / 7 = 102)
        #expect(record.avgFillPrice == px("102"))
        #expect(events.cancelReasons == [.bookExhausted(unfilled: qty("3"))])
        #expect(record.rejectReason == VenueCancelReason.bookExhausted(unfilled: qty("3")).description)
    }

    @Test("a market order against an empty side is canceled with nothing filled")
    func marketOrderNoLiquidity() throws {
        let venue = PaperVenue(instruments: [ethSpot])
        var events: [VenueEvent] = []
        venue.handle(snapshot(ethSpot, bids: [level("99", "1")], asks: [], at: ms(1)), events: &events)
        try venue.submit(order("m3", ethSpot, .buy, .market, "1"), at: ms(2), events: &events)
        #expect(events.cancelReasons == [.noLiquidity])
        #expect(venue.record(of: ClientOrderId("m3"))?.filledQuantity == .zero)
        #expect(venue.record(of: ClientOrderId("m3"))?.slippageBps == nil)
    }

    @Test("a spot sell pays its fee in the quote currency")
    func spotSellFeeInQuote() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("s1", ethSpot, .sell, .market, "3"), at: ms(1_000), events: &events)
        // 3 × 99 × 0.10% = 0.297 USDT
        #expect(events.fills.map(\.fee) == [money("0.297")])
        #expect(events.fills.map(\.feeCurrency) == ["USDT"])
        let record = try #require(venue.record(of: ClientOrderId("s1")))
        #expect(record.commissionAsset == "USDT")
        // Sold at 99 against a 99.5 mid: (99 − 99.5) × −1 / 99.5 × 10 000 = 50.25… → 50 bps
        #expect(record.slippageBps == 50)
    }

    @Test("a USDT-margined swap pays taker and maker fees in USDT on contracts × contract value × price")
    func swapFeesInUSDT() throws {
        let venue = PaperVenue(instruments: [btcSwap])
        var events: [VenueEvent] = []
        venue.handle(snapshot(btcSwap, bids: [level("29990", "100")], asks: [level("30000", "100")], at: ms(1)), events: &events)
        try venue.submit(order("w1", btcSwap, .buy, .market, "10"), at: ms(2), events: &events)
        // 10 contracts × 0.01 BTC × 30 000 = 3 000 USDT × 0.05% = 1.5 USDT
        #expect(events.fills.map(\.fee) == [money("1.5")])
        #expect(events.fills.map(\.feeCurrency) == ["USDT"])

        events.removeAll()
        try venue.submit(order("w2", btcSwap, .sell, .limit, "10", price: "30010"), at: ms(3), events: &events)
        // 30010 is beyond the only visible ask (queue unknown): a print through it fills it.
        venue.handle(trade(btcSwap, "30020", "25", taker: .buy, at: ms(4)), events: &events)
        // Maker: 10 × 0.01 × 30 010 = 3 001 USDT × 0.02% = 0.6002 USDT
        #expect(events.fills.map(\.fee) == [money("0.6002")])
        #expect(events.fills.map(\.liquidity) == [.maker])
    }

    @Test("orders are rejected with the reason: unknown instrument, off-lot size, inverse contracts, missing price")
    func rejections() throws {
        let venue = threeLevelVenue()
        var events: [VenueEvent] = []
        try venue.submit(order("r1", ethSpot, .buy, .market, "0.00005"), at: ms(1_000), events: &events)
        try venue.submit(order("r2", ethSpot, .buy, .limit, "1", price: "99.005"), at: ms(1_000), events: &events)
        try venue.submit(order("r3", btcInverse, .buy, .market, "1"), at: ms(1_000), events: &events)
        try venue.submit(order("r4", ethSpot, .buy, .limit, "1"), at: ms(1_000), events: &events)
        let unknown = Instrument(id: instrumentId("DOGE-USDT"), tickSize: px("0.00001"), lotSize: qty("1"), minSize: qty("1"))
        try venue.submit(order("r5", unknown, .buy, .market, "1"), at: ms(1_000), events: &events)
        let rejections: [VenueRejection] = events.compactMap { if case .rejected(_, let reason) = $0 { reason } else { nil } }
        #expect(rejections.count == 5)
        #expect(rejections[0] == .quantityBelowMinimum(qty("0.00005"), minimum: qty("0.001")))
        #expect(rejections[1] == .priceOffTickGrid(px("99.005"), tickSize: px("0.01")))
        if case .unsupportedInstrument = rejections[2] {} else { Issue.record("inverse swap not refused: \(rejections[2])") }
        #expect(rejections[3] == .missingLimitPrice(.limit))
        #expect(rejections[4] == .unknownInstrument(unknown.id))
        let record = try #require(venue.record(of: ClientOrderId("r2")))
        #expect(record.status == .rejected)
        #expect(record.rejectReason == "price 99.005 is not a multiple of the tick size 0.01")
        #expect(record.venueOrderId == VenueOrderId("PAPER-00000002"))
        #expect(throws: VenueRequestError.duplicateClientOrderId(ClientOrderId("r1"))) {
            try venue.submit(order("r1", ethSpot, .buy, .market, "1"), at: ms(1_000), events: &events)
        }
    }

    @Test("venue order ids carry the session tag and count up deterministically")
    func deterministicIds() throws {
        func run() throws -> [VenueEvent] {
            let venue = PaperVenue(instruments: [ethSpot], configuration: PaperVenueConfiguration(orderIdSessionTag: "R7"), mode: .replay)
            var events: [VenueEvent] = []
            venue.handle(snapshot(ethSpot, bids: [level("99", "5")], asks: [level("100", "5")], at: ms(1)), events: &events)
            try venue.submit(order("a", ethSpot, .buy, .market, "1"), at: ms(2), events: &events)
            try venue.submit(order("b", ethSpot, .sell, .limit, "1", price: "100.5"), at: ms(3), events: &events)
            return events
        }
        let first = try run()
        #expect(first == (try run()))
        #expect(first.compactMap(\.record.venueOrderId).last == VenueOrderId("PAPER-R7-00000002"))
        #expect(first.allSatisfy { $0.record.mode == .replay })
    }
}
