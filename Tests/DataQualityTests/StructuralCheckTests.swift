import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// Non-positive prices and sizes, candle consistency, crossed or locked books, at their edges.
@Suite(.watchdog) struct StructuralCheckTests {
    @Test func nonPositiveTradePriceOrSize() throws {
        let control = try Make.control()
        #expect(control.check(trade: try Make.trade("0", id: "1"), now: Make.time()) == .reject(.nonPositivePrice))
        #expect(control.check(trade: try Make.trade("100", id: "2", size: "0"), now: Make.time()) == .reject(.nonPositiveSize))
        #expect(control.check(trade: try Make.trade("0.000000000001", id: "3", size: "0.000000000001"), now: Make.time()) == .accept)
        // A negative value cannot come from parsing, but a hand-built one is refused too.
        var negative = try Make.trade("100", id: "4")
        negative.price = Price(FixedPoint(raw: -1))
        #expect(control.check(trade: negative, now: Make.time()) == .reject(.nonPositivePrice))
    }

    @Test(arguments: [
        // (open, high, low, close, accepted)
        ("100", "101", "99", "100.5", true),
        ("100", "100.5", "99", "100.5", true),            // high == close: inside
        ("100", "100.499999999999", "99", "100.5", false), // high just below close
        ("100", "100", "100", "100", true),               // a flat bar
        ("100", "99.999999999999", "99", "99.5", false),  // high just below open
        ("100", "101", "99.5", "99.5", true),             // low == close: inside
        ("100", "101", "99.500000000001", "99.5", false), // low just above close
        ("100", "101", "100.000000000001", "100.5", false), // low just above open
        ("100", "99", "101", "100", false),               // high below low
    ])
    func candleConsistency(open: String, high: String, low: String, close: String, accepted: Bool) throws {
        let control = try Make.control()
        let verdict = control.check(candle: try Make.candle(open: open, high: high, low: low, close: close), now: Make.time())
        #expect(verdict == (accepted ? .accept : .reject(.candleInconsistent)))
    }

    @Test func candleVolumeMayBeZeroButNotNegative() throws {
        let control = try Make.control()
        #expect(control.check(candle: try Make.candle(open: "1", high: "1", low: "1", close: "1", volume: "0"), now: Make.time()) == .accept)
        var negative = try Make.candle(open: "1", high: "1", low: "1", close: "1")
        negative.volume = Quantity(FixedPoint(raw: -1))
        #expect(control.check(candle: negative, now: Make.time()) == .reject(.candleInconsistent))
        #expect(control.check(candle: try Make.candle(open: "0", high: "1", low: "0", close: "1"), now: Make.time()) == .reject(.nonPositivePrice))
    }

    @Test(arguments: [
        ("100.1", "100.2", true),  // one tick apart
        ("100.2", "100.2", false), // locked
        ("100.3", "100.2", false), // crossed
    ])
    func bookCrossedOrLockedEdge(bid: String, ask: String, accepted: Bool) throws {
        let control = try Make.control()
        let book = try Make.book(bids: [(bid, "1"), ("99", "2")], asks: [(ask, "1"), ("101", "2")])
        #expect(control.check(book: book, now: Make.time()) == (accepted ? .accept : .reject(.crossedBook)))
        let bbo = try Make.book(bids: [(bid, "1")], asks: [(ask, "1")], channel: .bboTbt)
        #expect(try Make.control().check(book: bbo, now: Make.time()) == (accepted ? .accept : .reject(.crossedBook)))
    }

    @Test func crossedBookMayBeOnlyFlagged() throws {
        let control = try Make.control { $0.book.crossedAction = .flag }
        let book = try Make.book(bids: [("100.2", "1")], asks: [("100.2", "1")])
        #expect(control.check(book: book, now: Make.time()) == .flag(.crossedBook))
    }

    @Test func bookLevelSizes() throws {
        let control = try Make.control()
        // A snapshot level of size 0 is invalid; in an update it deletes the level.
        let zeroInSnapshot = try Make.book(bids: [("99", "0")], asks: [("101", "1")], channel: .books, action: .snapshot)
        #expect(control.check(book: zeroInSnapshot, now: Make.time()) == .reject(.nonPositiveSize))
        let deletion = try Make.book(bids: [("99", "0")], asks: [], channel: .books, action: .update)
        #expect(control.check(book: deletion, now: Make.time()) == .accept)
        let zeroPrice = try Make.book(bids: [("0", "1")], asks: [], channel: .books, action: .update)
        #expect(control.check(book: zeroPrice, now: Make.time()) == .reject(.nonPositivePrice))
        // A heartbeat update with no levels is fine.
        #expect(control.check(book: try Make.book(bids: [], asks: [], channel: .booksL2Tbt, action: .update), now: Make.time()) == .accept)
    }

    @Test func anUpdateThatCrossesItselfIsRejected() throws {
        let control = try Make.control()
        // New bid at 101 and new ask at 100.5 in one delta: the book would be crossed after applying it.
        let crossing = try Make.book(bids: [("101", "1")], asks: [("100.5", "1")], channel: .books, action: .update)
        #expect(control.check(book: crossing, now: Make.time()) == .reject(.crossedBook))
        // A deleted ask below the new bid does not count.
        let deleting = try Make.book(bids: [("101", "1")], asks: [("100.5", "0"), ("101.5", "2")], channel: .books, action: .update)
        #expect(control.check(book: deleting, now: Make.time()) == .accept)
    }

    @Test func appliedBookCheck() throws {
        let control = try Make.control()
        let instrument = try Make.instrument()
        var book = OrderBook(instrument: instrument, bids: [try Make.level("100", "1")], asks: [try Make.level("101", "1")])
        #expect(control.checkAppliedBook(book, now: Make.time()) == .accept)
        book.set(try Make.level("101", "1"), on: .buy)
        #expect(control.checkAppliedBook(book, now: Make.time()) == .reject(.crossedBook))
    }

    @Test func tickerChecks() throws {
        let control = try Make.control()
        #expect(control.check(ticker: try Make.ticker(last: "100", bid: "99.9", ask: "100.1"), now: Make.time()) == .accept)
        // A crossed quote only flags: the last price is still good.
        #expect(control.check(ticker: try Make.ticker(last: "100", bid: "100.1", ask: "100.1"), now: Make.time()) == .flag(.crossedBook))
        // An empty side (OKX sends "") is fine.
        #expect(control.check(ticker: try Make.ticker(last: "100", bid: nil, ask: "100.1"), now: Make.time()) == .accept)
        #expect(control.check(ticker: try Make.ticker(last: "0", bid: nil, ask: nil), now: Make.time()) == .reject(.nonPositivePrice))
        #expect(control.check(ticker: try Make.ticker(last: "100", bid: "0", ask: "100.1"), now: Make.time()) == .reject(.nonPositivePrice))
    }

    @Test func eventEnumDispatches() throws {
        let control = try Make.control()
        #expect(control.check(.trade(try Make.trade("0", id: "1")), now: Make.time()) == .reject(.nonPositivePrice))
        #expect(control.check(.candle(try Make.candle(open: "2", high: "1", low: "1", close: "1")), now: Make.time()) == .reject(.candleInconsistent))
        #expect(control.check(.book(try Make.book(bids: [("2", "1")], asks: [("1", "1")])), now: Make.time()) == .reject(.crossedBook))
        #expect(control.check(.ticker(try Make.ticker(last: "0", bid: nil, ask: nil)), now: Make.time()) == .reject(.nonPositivePrice))
    }
}
