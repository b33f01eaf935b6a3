import StrategyKit
import TestSupport
import Testing
import TradingCore

/// The host's bar building: OHLCV, VWAP, trade counts and times of trade, ticker and candle bars,
/// interval boundaries, gaps, several instruments and late data.
@Suite(.watchdog) struct BarAggregatorTests {
    static let btc = try! InstrumentId(parsing: "BTC-USDT")
    static let eth = try! InstrumentId(parsing: "ETH-USDT")
    static let minute = try! BarInterval(parsing: "1m")
    /// 2024-01-01 00:00:00 UTC, a whole minute (and day).
    static let t0: Int64 = 1_704_067_200_000

    static func price(_ text: String) -> Price { try! Price(parsing: text) }
    static func size(_ text: String) -> Quantity { try! Quantity(parsing: text) }
    static func trade(_ price: String, _ size: String, at milliseconds: Int64, count: Int? = nil) -> TradeTick {
        trade(btc, price, size, at: milliseconds, count: count)
    }
    static func trade(_ instrument: InstrumentId, _ price: String, _ size: String, at milliseconds: Int64,
                      count: Int? = nil) -> TradeTick {
        TradeTick(instrument: instrument, tradeId: TradeId("\(milliseconds)"), price: Self.price(price), quantity: Self.size(size),
                  side: .buy, timestamp: Timestamp(millisecondsSinceEpoch: t0 + milliseconds), aggregatedCount: count)
    }
    static func time(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: t0 + milliseconds) }

    static func drain(_ aggregator: inout BarAggregator) -> [Bar] {
        var bars: [Bar] = []
        while let bar = aggregator.nextCompletedBar() { bars.append(bar) }
        return bars
    }

    @Test func aTradeBarHasOHLCVolumeVWAPCountAndTimes() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .trades), instruments: [Self.btc])
        bars.add(trade: Self.trade("100", "1", at: 0))
        bars.add(trade: Self.trade("103", "2", at: 10_000))
        bars.add(trade: Self.trade("99", "1", at: 30_000, count: 3))
        bars.add(trade: Self.trade("101", "4", at: 59_999))
        #expect(!bars.hasCompletedBars, "the bar is open until the clock reaches its end")
        bars.add(trade: Self.trade("105", "1", at: 60_000))
        let done = Self.drain(&bars)
        #expect(done.count == 1)
        let bar = try #require(done.first)
        #expect(bar.instrument == Self.btc && bar.interval == Self.minute)
        #expect(bar.openTime == Self.time(0) && bar.closeTime == Self.time(60_000))
        #expect(bar.open == Self.price("100") && bar.high == Self.price("103") && bar.low == Self.price("99") && bar.close == Self.price("101"))
        #expect(bar.volume == Self.size("8"))
        #expect(bar.tradeCount == 6, "OKX's aggregated count of 3 counts as three trades")
        let vwap = try #require(bar.vwap).double
        #expect(abs(vwap - (100 + 206 + 99 + 404) / 8.0) < 1e-9)
    }

    @Test func aTradeExactlyAtTheEndStartsTheNextBar() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .trades), instruments: [Self.btc])
        bars.add(trade: Self.trade("100", "1", at: 59_999))
        bars.add(trade: Self.trade("200", "1", at: 60_000))
        bars.add(trade: Self.trade("300", "1", at: 120_000))
        let done = Self.drain(&bars)
        #expect(done.map(\.close) == [Self.price("100"), Self.price("200")])
        #expect(done.map(\.openTime) == [Self.time(0), Self.time(60_000)])
    }

    @Test func emptyIntervalsMakeNoBarAndTheClockOfAnyInstrumentClosesBars() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .trades), instruments: [Self.btc, Self.eth])
        bars.add(trade: Self.trade(Self.btc, "100", "1", at: 5_000))
        bars.add(trade: Self.trade(Self.eth, "10", "1", at: 65_000))
        // The ETH trade at 1:05 completed BTC's first minute: the host delivers it without waiting for BTC.
        #expect(Self.drain(&bars).map(\.instrument) == [Self.btc])
        bars.advance(to: Self.time(300_000))
        let eth = Self.drain(&bars)
        #expect(eth.map(\.instrument) == [Self.eth] && eth.first?.openTime == Self.time(60_000))
        // Nothing traded BTC from 1:00 to 5:00: its next bar opens at 5:00, with no bars between.
        bars.add(trade: Self.trade(Self.btc, "110", "1", at: 300_500))
        bars.advance(to: Self.time(360_000))
        let later = Self.drain(&bars)
        #expect(later.count == 1 && later.first?.openTime == Self.time(300_000) && later.first?.open == Self.price("110"))
        #expect(bars.nextCloseTime == Timestamp(nanosecondsSinceEpoch: .max))
    }

    @Test func barsCompletingTogetherComeInCloseTimeThenInstrumentOrder() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .trades), instruments: [Self.btc, Self.eth])
        bars.add(trade: Self.trade(Self.eth, "10", "1", at: 1_000))
        bars.add(trade: Self.trade(Self.btc, "100", "1", at: 2_000))
        bars.add(trade: Self.trade(Self.eth, "11", "1", at: 50_000))
        bars.advance(to: Self.time(60_000))
        #expect(Self.drain(&bars).map(\.instrument) == [Self.btc, Self.eth])
        // ETH's bar opened a minute before BTC's: it comes first although BTC is first in the manifest.
        bars.add(trade: Self.trade(Self.eth, "12", "1", at: 61_000))
        bars.add(trade: Self.trade(Self.btc, "101", "1", at: 121_000))
        bars.advance(to: Self.time(200_000))
        let done = Self.drain(&bars)
        #expect(done.map(\.instrument) == [Self.eth, Self.btc])
        #expect(done.map(\.closeTime) == [Self.time(120_000), Self.time(180_000)])
    }

    @Test func lateTradesAreDroppedAndCountedAndOtherInstrumentsIgnored() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .trades), instruments: [Self.btc])
        bars.add(trade: Self.trade("100", "1", at: 10_000))
        bars.advance(to: Self.time(60_000))
        bars.add(trade: Self.trade("999", "1", at: 59_000))
        bars.add(trade: Self.trade(Self.eth, "5", "1", at: 61_000))
        bars.add(trade: Self.trade("101", "1", at: 61_000))
        bars.add(trade: Self.trade("998", "1", at: 60_500))
        bars.advance(to: Self.time(120_000))
        let done = Self.drain(&bars)
        #expect(done.map(\.close) == [Self.price("100"), Self.price("998")])
        #expect(done[1].high == Self.price("998") && done[1].open == Self.price("101"),
                "a trade inside the open bar counts even if it arrives after a later one")
        #expect(bars.lateUpdates == 1)
    }

    @Test func tickerBarsSampleLastPricesWithoutVolume() throws {
        var bars = BarAggregator(specification: BarSpecification(interval: try BarInterval(parsing: "5s"), source: .ticker),
                                 instruments: [Self.btc])
        func ticker(_ last: String, at milliseconds: Int64) -> Ticker {
            Ticker(instrument: Self.btc, last: Self.price(last), lastSize: Self.size("1"), bidPrice: nil, bidSize: nil, askPrice: nil,
                   askSize: nil, open24h: Self.price("1"), high24h: Self.price("1"), low24h: Self.price("1"), volume24h: Self.size("1"),
                   volumeCurrency24h: Self.size("1"), timestamp: Self.time(milliseconds))
        }
        bars.add(trade: Self.trade("1", "1", at: 0))
        bars.add(ticker: ticker("50", at: 1_000))
        bars.add(ticker: ticker("52", at: 2_000))
        bars.add(ticker: ticker("0", at: 3_000))
        bars.add(ticker: ticker("49", at: 4_000))
        bars.add(ticker: ticker("51", at: 5_000))
        let bar = try #require(Self.drain(&bars).first)
        #expect([bar.open, bar.high, bar.low, bar.close] == [Self.price("50"), Self.price("52"), Self.price("49"), Self.price("49")])
        #expect(bar.volume.isZero && bar.vwap == nil && bar.tradeCount == 0)
        #expect(bar.openTime == Self.time(0) && bar.closeTime == Self.time(5_000))
    }

    @Test func candleBarsCopyOneCandleOrMergeSmallerOnes() throws {
        func candle(_ interval: CandleInterval, at milliseconds: Int64, _ o: String, _ h: String, _ l: String, _ c: String,
                    confirmed: Bool? = true) -> Candle {
            Candle(instrument: Self.btc, interval: interval, openTime: Self.time(milliseconds), open: Self.price(o), high: Self.price(h),
                   low: Self.price(l), close: Self.price(c), volume: Self.size("2"), isConfirmed: confirmed)
        }
        var same = BarAggregator(specification: BarSpecification(interval: Self.minute, source: .candles), instruments: [Self.btc])
        same.add(candle: candle(.oneMinute, at: 0, "10", "12", "9", "11", confirmed: false))
        #expect(!same.hasCompletedBars, "an unconfirmed candle is not a bar")
        same.add(candle: candle(.oneMinute, at: 0, "10", "13", "9", "12"))
        let copied = try #require(Self.drain(&same).first)
        #expect(copied.high == Self.price("13") && copied.closeTime == Self.time(60_000) && copied.volume == Self.size("2"))

        var merged = BarAggregator(specification: BarSpecification(interval: try BarInterval(parsing: "5m"), source: .candles),
                                   instruments: [Self.btc], candleInterval: .oneMinute)
        merged.add(candle: candle(.oneMinute, at: 0, "10", "12", "9", "11"))
        merged.add(candle: candle(.fiveMinutes, at: 0, "1", "99", "1", "1"))
        merged.add(candle: candle(.oneMinute, at: 60_000, "11", "15", "10", "14"))
        merged.add(candle: candle(.oneMinute, at: 120_000, "14", "14", "7", "8"))
        merged.add(candle: candle(.oneMinute, at: 180_000, "8", "9", "8", "9"))
        #expect(!merged.hasCompletedBars)
        merged.add(candle: candle(.oneMinute, at: 240_000, "9", "10", "9", "10"))
        let bar = try #require(Self.drain(&merged).first, "the candle ending the bar completes it at once")
        #expect([bar.open, bar.high, bar.low, bar.close] == [Self.price("10"), Self.price("15"), Self.price("7"), Self.price("10")])
        #expect(bar.volume == Self.size("10") && bar.vwap == nil)
        #expect(bar.openTime == Self.time(0) && bar.closeTime == Self.time(300_000))
        // A missing last candle: the bar completes when the clock passes its end.
        merged.add(candle: candle(.oneMinute, at: 300_000, "10", "11", "10", "11"))
        merged.add(candle: candle(.oneMinute, at: 600_000, "12", "12", "12", "12"))
        #expect(Self.drain(&merged).map(\.close) == [Self.price("11")])
    }

    @Test func intervalsParseDivideADayAndPrintCanonically() throws {
        for (text, seconds, canonical) in [("1s", 1.0, "1s"), ("5s", 5, "5s"), ("60s", 60, "1m"), ("1m", 60, "1m"), ("15m", 900, "15m"),
                                           ("1H", 3600, "1H"), ("4h", 14_400, "4H"), ("1D", 86_400, "1D"), ("250ms", 0.25, "250ms")] {
            let interval = try BarInterval(parsing: text)
            #expect(interval.seconds == seconds && interval.description == canonical, "\(text)")
        }
        for (text, fragment) in [("7m", "divide a day"), ("1M", "month"), ("2D", "at most one day"), ("0s", "at least 1"),
                                 ("m", "whole count"), ("5x", "not a unit"), ("1.5m", "not a unit"), ("", "whole count")] {
            #expect(throws: BarIntervalError.self, "\(text)") { try BarInterval(parsing: text) }
            do {
                _ = try BarInterval(parsing: text)
            } catch {
                #expect(error.description.contains(fragment), "\(text): \(error)")
            }
        }
        let hour = try BarInterval(parsing: "1H")
        #expect(hour.start(of: Self.time(3_599_999)) == Self.time(0))
    }
}
