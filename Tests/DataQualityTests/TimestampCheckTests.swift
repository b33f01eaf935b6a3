import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// Future skew and max age, at their edges, for trades and candles (whose age counts from the bar end).
@Suite(.watchdog) struct TimestampCheckTests {
    @Test func futureSkewEdge() throws {
        let now = Make.time(0)
        let control = try Make.control()
        // The default skew is 2000 ms: exactly 2000 ms ahead is inside.
        #expect(control.check(trade: try Make.trade("100", id: "1", at: now.advanced(byMilliseconds: 2000)), now: now) == .accept)
        let justBeyond = now.advanced(byMilliseconds: 2000).advanced(byNanoseconds: 1)
        #expect(control.check(trade: try Make.trade("100", id: "2", at: justBeyond), now: now) == .reject(.futureTimestamp))
    }

    @Test func maxAgeEdge() throws {
        let now = Make.time(100_000)
        let control = try Make.control()
        #expect(control.check(trade: try Make.trade("100", id: "1", at: now.advanced(byMilliseconds: -30_000)), now: now) == .accept)
        let justOlder = now.advanced(byMilliseconds: -30_000).advanced(byNanoseconds: -1)
        #expect(control.check(trade: try Make.trade("100", id: "2", at: justOlder), now: now) == .reject(.staleTimestamp))
    }

    @Test func candleAgeCountsFromTheBarEnd() throws {
        let now = Make.time(1_000_000)
        let control = try Make.control()
        // A 1m bar that ended exactly 30 s ago (opened 90 s ago) is inside; 1 ns earlier is stale.
        let openedAtEdge = now.advanced(byMilliseconds: -90_000)
        let inside = try Make.candle(open: "100", high: "101", low: "99", close: "100", openTime: openedAtEdge)
        #expect(control.check(candle: inside, now: now) == .accept)
        let stale = try Make.candle(open: "100", high: "101", low: "99", close: "100", openTime: openedAtEdge.advanced(byNanoseconds: -1))
        #expect(control.check(candle: stale, now: now) == .reject(.staleTimestamp))
        // The bar in progress (opened 59 s ago) is fine, a bar opening beyond the skew is not.
        let current = try Make.candle(open: "100", high: "101", low: "99", close: "100", openTime: now.advanced(byMilliseconds: -59_000))
        #expect(control.check(candle: current, now: now).isAccepted)
        let future = try Make.candle(open: "100", high: "101", low: "99", close: "100",
                                     openTime: now.advanced(byMilliseconds: 2000).advanced(byNanoseconds: 1))
        #expect(control.check(candle: future, now: now) == .reject(.futureTimestamp))
    }

    @Test func booksAndTickersAreTimed() throws {
        let now = Make.time(100_000)
        let control = try Make.control()
        let staleBook = try Make.book(bids: [("99", "1")], asks: [("101", "1")], at: now.advanced(byMilliseconds: -30_001))
        #expect(control.check(book: staleBook, now: now) == .reject(.staleTimestamp))
        let futureTicker = try Make.ticker(last: "100", bid: "99", ask: "101", at: now.advanced(byMilliseconds: 2001))
        #expect(control.check(ticker: futureTicker, now: now) == .reject(.futureTimestamp))
    }

    @Test func disabledTimestampChecksAcceptAnyTime() throws {
        let control = try Make.control { $0.timestamp.enabled = false }
        let now = Make.time(0)
        #expect(control.check(trade: try Make.trade("100", id: "1", at: now.advanced(byMilliseconds: -86_400_000)), now: now) == .accept)
        #expect(control.check(trade: try Make.trade("100", id: "2", at: now.advanced(byMilliseconds: 86_400_000)), now: now) == .accept)
    }
}
