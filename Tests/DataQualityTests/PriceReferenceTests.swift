import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// The deviation check at its edges, and how the reference resets (gap, staleness) and
/// re-anchors (a genuine move without a gap), so a real move never locks an instrument out.
@Suite(.watchdog) struct PriceReferenceTests {
    /// A control whose trade reference is `reference`, z-score off so only the deviation judges.
    private func control(reference: String) throws -> QualityControl {
        let control = try Make.control { $0.zScore.action = .off }
        #expect(control.check(trade: try Make.trade(reference, id: "0"), now: Make.time()) == .accept)
        return control
    }

    @Test(arguments: [
        ("105", true), ("105.000000000001", false), ("95", true), ("94.999999999999", false),
    ])
    func deviationEdgeFromHundred(price: String, accepted: Bool) throws {
        let control = try control(reference: "100")
        let verdict = control.check(trade: try Make.trade(price, id: "1", at: Make.time(1)), now: Make.time(1))
        #expect(verdict == (accepted ? .accept : .reject(.priceDeviation)))
    }

    @Test func exactIntegerComparisonForTinyPrices() throws {
        // PAY-BTC trades near 1.38e-6: 5 % of that is exact in fixed point.
        let inside = try control(reference: "0.00000138")
        #expect(inside.check(trade: try Make.trade("0.000001449", id: "1", at: Make.time(1)), now: Make.time(1)) == .accept)
        let outside = try control(reference: "0.00000138")
        #expect(outside.check(trade: try Make.trade("0.000001450", id: "1", at: Make.time(1)), now: Make.time(1)) == .reject(.priceDeviation))
    }

    @Test func perInstrumentOverrideChangesTheLimit() throws {
        var tight = QualityRules.standard
        tight.price.maxDeviationPartsPerMillion = 10_000  // 1 %
        tight.zScore.action = .off
        let eth = try Make.instrument("ETH-USDT")
        let control = QualityControl(configuration: try QualityConfiguration(instrumentRules: [eth: tight]))
        _ = control.check(trade: try Make.trade("100", id: "1", instrument: "ETH-USDT"), now: Make.time())
        _ = control.check(trade: try Make.trade("100", id: "1", instrument: "BTC-USDT"), now: Make.time())
        #expect(control.check(trade: try Make.trade("102", id: "2", instrument: "ETH-USDT"), now: Make.time()) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("102", id: "2", instrument: "BTC-USDT"), now: Make.time()) == .accept)
    }

    @Test func staleReferenceResetsAtItsEdge() throws {
        // The default reference max age is 300 s of feed clock.
        let judged = try control(reference: "100")
        let atEdge = Make.time(300_000)
        #expect(judged.check(trade: try Make.trade("120", id: "1", at: atEdge), now: atEdge) == .reject(.priceDeviation))

        let reset = try control(reference: "100")
        let beyond = Make.time(300_000, nanoseconds: 1)
        #expect(reset.check(trade: try Make.trade("120", id: "1", at: beyond), now: beyond) == .flag(.referenceReset))
        // The reset price is the new reference: 125 is within 5 % of 120, 130 is not.
        #expect(reset.check(trade: try Make.trade("125", id: "2", at: beyond), now: beyond) == .accept)
        #expect(reset.check(trade: try Make.trade("132", id: "3", at: beyond), now: beyond) == .reject(.priceDeviation))
    }

    @Test func aJumpBackInTimeAlsoResets() throws {
        // Replays that jump between captures (e.g. 2022-05 then 2022-03) move the clock backwards.
        let control = try control(reference: "30243.5")
        let earlier = Make.time(-70 * 86_400_000)
        #expect(control.check(trade: try Make.trade("43474.1", id: "1", at: earlier), now: earlier) == .flag(.referenceReset))
    }

    @Test func discontinuityResetsEveryStreamOfThatInstrumentOnly() throws {
        let control = try Make.control()
        let now = Make.time()
        #expect(control.check(trade: try Make.trade("100", id: "1"), now: now) == .accept)
        #expect(control.check(ticker: try Make.ticker(last: "100", bid: "99", ask: "101"), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("100", id: "1", instrument: "ETH-USDT"), now: now) == .accept)
        control.noteDiscontinuity(instrument: try Make.instrument("BTC-USDT"))

        // The market moved 30 % during the outage: accepted, flagged, and the new reference.
        #expect(control.check(trade: try Make.trade("130", id: "2"), now: now) == .flag(.referenceReset))
        #expect(control.check(trade: try Make.trade("131", id: "3"), now: now) == .accept)
        #expect(control.check(ticker: try Make.ticker(last: "130", bid: "129", ask: "131"), now: now) == .flag(.referenceReset))
        // The other instrument still judges against its reference.
        #expect(control.check(trade: try Make.trade("130", id: "2", instrument: "ETH-USDT"), now: now) == .reject(.priceDeviation))
        // Trade ids are kept across the discontinuity: a replayed trade is still a duplicate.
        #expect(control.check(trade: try Make.trade("131", id: "3"), now: now) == .reject(.duplicate))
    }

    @Test func discontinuityRestartsTheZScoreWindow() throws {
        let control = try Make.control()
        let now = Make.time()
        for index in 0..<10 {
            _ = control.check(trade: try Make.trade(index.isMultiple(of: 2) ? "100" : "100.1", id: "\(index)"), now: now)
        }
        let state = control.state(for: try Make.instrument())
        #expect(state.trades.returnCount == 9)
        control.noteDiscontinuity(instrument: try Make.instrument())
        _ = control.check(trade: try Make.trade("100", id: "100"), now: now)
        #expect(state.trades.returnCount == 0)
    }

    @Test func consistentDeviatingPricesReanchor() throws {
        // A genuine 20 % jump with no gap: reanchor_after (3) consistent prices re-anchor.
        let control = try control(reference: "100")
        let now = Make.time(1)
        #expect(control.check(trade: try Make.trade("120", id: "1", at: now), now: now) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("120.5", id: "2", at: now), now: now) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("121", id: "3", at: now), now: now) == .flag(.reanchored))
        #expect(control.check(trade: try Make.trade("121.2", id: "4", at: now), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("100", id: "5", at: now), now: now) == .reject(.priceDeviation))
    }

    @Test func inconsistentOrInterruptedRunsDoNotReanchor() throws {
        let control = try control(reference: "100")
        let now = Make.time(1)
        // Bad prints alternating around the real price never agree with each other.
        for (index, price) in ["150", "60", "150", "60", "150"].enumerated() {
            #expect(control.check(trade: try Make.trade(price, id: "a\(index)", at: now), now: now) == .reject(.priceDeviation))
        }
        // Two agreeing bad prints, then a good one: the run ends; the next bad print starts over.
        #expect(control.check(trade: try Make.trade("150", id: "b1", at: now), now: now) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("100.1", id: "b2", at: now), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("150", id: "b3", at: now), now: now) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("150", id: "b4", at: now), now: now) == .reject(.priceDeviation))
        #expect(control.check(trade: try Make.trade("150", id: "b5", at: now), now: now) == .flag(.reanchored))
    }

    @Test func reanchorAfterIsConfigurable() throws {
        let control = try Make.control {
            $0.zScore.action = .off
            $0.price.reanchorAfter = 5
        }
        let now = Make.time()
        _ = control.check(trade: try Make.trade("100", id: "0"), now: now)
        for index in 1...4 {
            #expect(control.check(trade: try Make.trade("200", id: "\(index)"), now: now) == .reject(.priceDeviation))
        }
        #expect(control.check(trade: try Make.trade("200", id: "5"), now: now) == .flag(.reanchored))
    }

    @Test func streamsHaveSeparateReferences() throws {
        let control = try Make.control()
        let now = Make.time()
        _ = control.check(trade: try Make.trade("100", id: "1"), now: now)
        // A book's mid and a 1m candle's close start their own references.
        #expect(control.check(book: try Make.book(bids: [("199", "1")], asks: [("201", "1")]), now: now) == .accept)
        #expect(control.check(candle: try Make.candle(open: "50", high: "51", low: "49", close: "50"), now: now) == .accept)
        #expect(control.check(book: try Make.book(bids: [("299", "1")], asks: [("301", "1")]), now: now) == .reject(.priceDeviation))
        #expect(control.check(candle: try Make.candle(open: "50", high: "60", low: "49", close: "60"), now: now) == .reject(.priceDeviation))
        #expect(control.check(candle: try Make.candle(open: "50", high: "60", low: "49", close: "60", interval: .oneHour), now: now) == .accept)
    }
}
