import Foundation
import Logging
import RuntimeHost
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// A deployed plugin with `bars:` in its manifest receives the host's bars in a replay: one per
/// minute that had trades, with the OHLCV and trade count of that minute, before the trade that
/// completed it; and the same bars when built from one-second candles of the same trades.
@Suite(.watchdog) struct BarReplayTests {
    static func manifest(channels: String, bars: String) -> String {
        """
        name: bar_probe
        plugin: BarProbe
        strategy: BarProbe
        version: 1.0.0
        mode: paper
        instruments: [BTC-USDT]
        channels: \(channels)
        bars: \(bars)
        allocated_capital: 1000
        risk_limits:
          max_order_quantity: 0.01
        """
    }

    /// Replays `events` through an engine running the BarProbe plugin deployed with `manifest`;
    /// returns what it logged.
    static func replay(_ events: [MarketEvent], manifest: String) throws -> [String] {
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                          instrument: { PluginTestSupport.catalog[$0] })
        let strategy = try EngineStrategy(validated: try validator.validate(yaml: manifest, source: "bar_probe.yaml"))
        let sink = LogLines()
        let engine = try TradingEngine(strategies: [strategy], instruments: PluginTestSupport.catalog.instruments, quality: .standard,
                                       accountLimits: .init(), venue: .init(orderIdSessionTag: "B"), options: .init(mode: .replay, runTag: "B"),
                                       logger: sink.logger(label: "test.bars"))
        if let first = events.first { engine.start(at: first.timestamp) }
        for event in events { engine.handle(event, receivedAt: event.timestamp) }
        engine.stop(at: engine.clock)
        #expect(engine.summary.strategyFaults == 0)
        return sink.lines.filter { $0.hasPrefix("bar ") || $0.hasPrefix("trade ") }
    }

    /// A minute of trades as the probe logs a bar: open ms, close ms, O, H, L, C, volume, count.
    struct ExpectedBar: Equatable, CustomStringConvertible {
        var openMs: Int64
        var open, high, low, close: Price
        var volume: Quantity
        var count: Int
        var description: String { "\(openMs) \(open) \(high) \(low) \(close) \(volume) \(count)" }
    }

    /// The one-minute bars of `trades`, computed directly (the reference).
    static func minuteBars(_ trades: [TradeTick]) -> [ExpectedBar] {
        var bars: [ExpectedBar] = []
        for trade in trades {
            let minute = trade.timestamp.millisecondsSinceEpoch / 60_000 * 60_000
            if var last = bars.last, last.openMs == minute {
                last.high = max(last.high, trade.price)
                last.low = min(last.low, trade.price)
                last.close = trade.price
                last.volume = last.volume + trade.quantity
                last.count += 1
                bars[bars.count - 1] = last
            } else {
                bars.append(ExpectedBar(openMs: minute, open: trade.price, high: trade.price, low: trade.price, close: trade.price,
                                        volume: trade.quantity, count: 1))
            }
        }
        return bars
    }

    static func parse(_ line: String) throws -> ExpectedBar {
        let fields = line.split(separator: " ").map(String.init)
        try #require(fields.count == 11, "\(line)")
        let openMs = try #require(Int64(fields[2]))
        let closeMs = try #require(Int64(fields[3]))
        #expect(closeMs - openMs == 60_000, "\(line)")
        return ExpectedBar(openMs: openMs, open: try Price(parsing: fields[4]), high: try Price(parsing: fields[5]),
                           low: try Price(parsing: fields[6]), close: try Price(parsing: fields[7]),
                           volume: try Quantity(parsing: fields[8]), count: try #require(Int(fields[9])))
    }

    @Test func aPluginWithBarsFromTradesReceivesEachCompleteMinuteBeforeTheTradeThatEndedIt() throws {
        let trades = try PluginTestSupport.recordedTrades()
        let expected = Self.minuteBars(trades)
        #expect(expected.count >= 10)
        let lines = try Self.replay(trades.map { .trade($0) }, manifest: Self.manifest(channels: "[trades]", bars: "{interval: 1m, source: trades}"))
        let bars = try lines.filter { $0.hasPrefix("bar ") }.map(Self.parse)
        // Every minute with trades is a bar, except the last: still open when the replay stopped.
        #expect(bars == Array(expected.dropLast()))
        // Each bar comes right before the first trade of the next minute, which completed it.
        for (index, line) in lines.enumerated() where line.hasPrefix("bar ") {
            let bar = try Self.parse(line)
            let next = lines.dropFirst(index + 1).first
            let nextTrade = try #require(next?.split(separator: " ").last.flatMap { Int64($0) })
            #expect(next?.hasPrefix("trade ") == true && nextTrade >= bar.openMs + 60_000, "\(line) then \(next ?? "-")")
        }
        #expect(lines.last { $0.hasPrefix("bar ") }?.hasSuffix("#\(expected.count - 1)") == true, "the probe counted its bars per instrument")
    }

    @Test func anEventOfAnotherInstrumentCompletesABar() throws {
        let btc = PluginTestSupport.btcUSDT.id
        let eth = PluginTestSupport.ethUSDT.id
        let start: Int64 = 1_723_161_600_000 // 2024-08-09 00:00:00 UTC
        func trade(_ instrument: InstrumentId, _ price: String, at seconds: Int64) throws -> MarketEvent {
            .trade(TradeTick(instrument: instrument, tradeId: TradeId("\(instrument.symbol)-\(seconds)"), price: try Price(parsing: price),
                             quantity: try Quantity(parsing: "0.01"), side: .buy, timestamp: Timestamp(millisecondsSinceEpoch: start + seconds * 1_000)))
        }
        let manifest = Self.manifest(channels: "[trades]", bars: "{interval: 1m, source: trades}")
            .replacingOccurrences(of: "instruments: [BTC-USDT]", with: "instruments: [BTC-USDT, ETH-USDT]")
        let lines = try Self.replay([try trade(btc, "60000", at: 10), try trade(btc, "60010", at: 20), try trade(eth, "3000", at: 65),
                                     try trade(eth, "3001", at: 200)], manifest: manifest)
        // BTC's first minute completes on ETH's trade at 1:05, although BTC never trades again;
        // ETH's minute from 1:00 completes on its own trade at 3:20; the quiet minutes make no bars.
        #expect(lines.map { $0.split(separator: " ").prefix(3).joined(separator: " ") } == [
            "trade BTC-USDT \(start + 10_000)", "trade BTC-USDT \(start + 20_000)",
            "bar BTC-USDT \(start)", "trade ETH-USDT \(start + 65_000)",
            "bar ETH-USDT \(start + 60_000)", "trade ETH-USDT \(start + 200_000)",
        ])
    }

    @Test func barsFromOneSecondCandlesAreTheSameMinutes() throws {
        let trades = try PluginTestSupport.recordedTrades()
        let candles = BooklessReplayTests.secondBars(trades)
        let lines = try Self.replay(candles.map { .candle($0) }, manifest: Self.manifest(channels: "[candle1s]", bars: "{interval: 1m, source: candles}"))
        let bars = try lines.filter { $0.hasPrefix("bar ") }.map(Self.parse)
        #expect(!lines.contains { $0.hasPrefix("trade ") }, "no trades channel, no raw trades")
        // A minute's bar completes with the candle that ends it: the last minute only if its
        // 59th second traded.
        var expected = Self.minuteBars(trades)
        for index in expected.indices { expected[index].count = 0 }
        if let last = candles.last, (last.openTime.millisecondsSinceEpoch + 1_000) % 60_000 != 0 { expected.removeLast() }
        #expect(bars == expected)
    }
}
