import TestSupport
import Testing
import TradingCore
@testable import DataQuality

/// The real recorded OKX data passes with zero false rejections, replayed with each event's own
/// time as the feed clock; and bad events injected into that real stream are caught, each with
/// the right reason.
@Suite(.watchdog) struct FixtureReplayTests {
    static let files = ["trades.jsonl", "tickers.jsonl", "candle1m.jsonl", "candle1m_okcoin_v5.jsonl", "books5.jsonl", "bbo_tbt.jsonl"]

    /// Replays `events` through `control` with replay semantics; returns the verdicts.
    private func replay(_ events: [MarketEvent], through control: QualityControl) -> [QualityVerdict] {
        events.map { control.check($0, now: $0.timestamp) }
    }

    @Test(arguments: files)
    func eachFixtureFilePassesWithoutRejection(file: String) throws {
        let events = try FixtureReader.events(file)
        #expect(!events.isEmpty)
        let control = QualityControl()
        let verdicts = replay(events, through: control)
        let rejected = zip(events, verdicts).filter { !$0.1.isAccepted }
        #expect(rejected.isEmpty, "false rejections: \(rejected.map { "\($0.0.instrument) \($0.0.timestamp): \($0.1)" })")
        // The only flags are reference resets where the captures jump months apart in time.
        let flags = Set(verdicts.compactMap { verdict -> QualityReason? in
            if case .flag(let reason) = verdict { return reason }
            return nil
        })
        #expect(flags.isSubset(of: [.referenceReset]))
        #expect(!control.hasPendingAlerts)
    }

    @Test func allFixturesThroughOneControlPassWithoutRejection() throws {
        let events = try Self.files.flatMap { try FixtureReader.events($0) }
        let control = QualityControl()
        let verdicts = replay(events, through: control)
        #expect(verdicts.allSatisfy { $0.isAccepted })
        let snapshot = control.snapshot(at: Make.time())
        #expect(snapshot.totals.rejected == 0)
        #expect(snapshot.totals.checked == UInt64(events.count))
        // BTC-USDT trades jump 2022-05 -> 2022-03 -> 2025-02 (30243 -> 43474 -> 95634): each jump
        // is a stale reference, reset rather than judged.
        let btc = try #require(snapshot.instruments.first { $0.instrument.symbol == "BTC-USDT" })
        #expect(btc.counters.flags(for: .referenceReset) >= 2)
    }

    @Test(arguments: ["books_snapshot_update.jsonl", "books_l2_tbt_snapshot_update.jsonl"])
    func incrementalBooksPassAndStayUncrossedWhenApplied(file: String) throws {
        let events = try FixtureReader.events(file)
        let control = QualityControl()
        var books: [InstrumentId: OrderBook] = [:]
        var checked = 0
        for event in events {
            guard case .book(let update) = event else { continue }
            let verdict = control.check(book: update, now: update.timestamp)
            #expect(verdict.isAccepted, "\(update.instrument) \(update.timestamp): \(verdict)")
            var book = books[update.instrument] ?? OrderBook(instrument: update.instrument)
            book.apply(update)
            books[update.instrument] = book
            #expect(control.checkAppliedBook(book, now: update.timestamp) == .accept)
            checked += 1
        }
        #expect(checked == events.count)
        #expect(checked > 100)
    }

    // MARK: - Injected bad events

    /// The real BTC-USDT trades of 2022-05-13 (48 in 10 s), and a control that has judged them.
    private func primedWithRealTrades(_ adjust: (inout QualityRules) -> Void = { _ in }) throws -> (QualityControl, TradeTick) {
        let trades: [TradeTick] = try FixtureReader.events("trades.jsonl").compactMap { event in
            guard case .trade(let trade) = event, trade.instrument.symbol == "BTC-USDT",
                  (1_652_400_000_000..<1_652_500_000_000).contains(trade.timestamp.millisecondsSinceEpoch) else { return nil }
            return trade
        }
        #expect(trades.count > 40)
        let control = try Make.control(adjust)
        for trade in trades { #expect(control.check(trade: trade, now: trade.timestamp) == .accept) }
        return (control, try #require(trades.last))
    }

    /// The next trade after `last`, 100 ms later, with a fresh id.
    private func next(after last: TradeTick, price: String? = nil, id: String = "999999999") throws -> TradeTick {
        var trade = last
        trade.tradeId = TradeId(id)
        trade.timestamp = last.timestamp.advanced(byMilliseconds: 100)
        if let price { trade.price = try Price(parsing: price) }
        return trade
    }

    @Test func injectedFutureTrade() throws {
        let (control, last) = try primedWithRealTrades()
        var future = try next(after: last)
        let now = future.timestamp
        future.timestamp = now.advanced(byMilliseconds: 60_000)
        #expect(control.check(trade: future, now: now) == .reject(.futureTimestamp))
    }

    @Test func injectedStaleTrade() throws {
        let (control, last) = try primedWithRealTrades()
        let stale = try next(after: last)
        #expect(control.check(trade: stale, now: stale.timestamp.advanced(byMilliseconds: 45_000)) == .reject(.staleTimestamp))
    }

    @Test func injectedSpike() throws {
        let (control, last) = try primedWithRealTrades()  // last price 30227.6
        let spike = try next(after: last, price: "36273.1")  // +20 %
        #expect(control.check(trade: spike, now: spike.timestamp) == .reject(.priceDeviation))
        // The real stream continues unharmed.
        let after = try next(after: spike, price: "30227.7", id: "1000000000")
        #expect(control.check(trade: after, now: after.timestamp) == .accept)
    }

    @Test func injectedDuplicate() throws {
        let (control, last) = try primedWithRealTrades()
        var replayed = last
        replayed.timestamp = last.timestamp
        #expect(control.check(trade: replayed, now: last.timestamp.advanced(byMilliseconds: 500)) == .reject(.duplicate))
    }

    @Test func injectedZScoreOutlier() throws {
        // min_samples lowered to fit the 48 real trades; a 1 % jump is within the 5 % deviation
        // limit but far outside how this stream moved (a few bps per trade).
        let (control, last) = try primedWithRealTrades { $0.zScore.minSamples = 30 }
        let outlier = try next(after: last, price: "30529.9")
        #expect(control.check(trade: outlier, now: outlier.timestamp) == .flag(.zScoreOutlier))
        let (rejecting, last2) = try primedWithRealTrades {
            $0.zScore.minSamples = 30
            $0.zScore.action = .reject
        }
        let outlier2 = try next(after: last2, price: "30529.9")
        #expect(rejecting.check(trade: outlier2, now: outlier2.timestamp) == .reject(.zScoreOutlier))
    }

    @Test func injectedBadCandle() throws {
        let candles: [Candle] = try FixtureReader.events("candle1m.jsonl").compactMap {
            if case .candle(let candle) = $0 { return candle }
            return nil
        }
        var bad = try #require(candles.first)
        let control = QualityControl()
        #expect(control.check(candle: bad, now: bad.openTime) == .accept)
        bad.high = Price(FixedPoint(raw: bad.close.value.raw - 1))  // high below close
        #expect(control.check(candle: bad, now: bad.openTime) == .reject(.candleInconsistent))
    }

    @Test func injectedCrossedBook() throws {
        let books: [BookUpdate] = try FixtureReader.events("books5.jsonl").compactMap {
            if case .book(let book) = $0 { return book }
            return nil
        }
        var crossed = try #require(books.first)
        let control = QualityControl()
        #expect(control.check(book: crossed, now: crossed.timestamp) == .accept)
        crossed.bids[0].price = crossed.asks[0].price  // best bid == best ask: locked
        #expect(control.check(book: crossed, now: crossed.timestamp) == .reject(.crossedBook))
    }
}
