import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import StrategyKit
import TestSupport
import Testing
import TradingCore

@Suite("Trades, positions, perf and candles views", .watchdog)
struct ViewQueryTests {
    typealias F = ViewFixtures

    @Test("trades filter by strategy, mode and status, newest first, and refuse an unknown strategy")
    func tradesFilters() async throws {
        try await ScratchDatabase.with { _, client in
            let alpha = try await F.strategy("alpha", on: client)
            let beta = try await F.strategy("beta", on: client)
            try await F.trade("a1", strategy: alpha, mode: .paper, pnl: "1", offset: -300 * F.second, on: client)
            try await F.trade("a2", strategy: alpha, mode: .replay, pnl: "2", offset: -200 * F.second, on: client)
            try await F.trade("a3", strategy: alpha, mode: .paper, pnl: nil, filled: false, offset: -100 * F.second, on: client)
            try await F.trade("b1", strategy: beta, mode: .live, pnl: "3", on: client)

            let all = try await TradesView.read(client, filter: .init(strategy: "alpha"))
            #expect(all.rows.map(\.trade.clientOrderId.rawValue) == ["a3", "a2", "a1"])
            #expect(all.rows.allSatisfy { $0.strategy == "alpha" })
            let paperFilled = try await TradesView.read(client, filter: .init(statuses: [.filled], mode: .paper))
            #expect(paperFilled.rows.map(\.trade.clientOrderId.rawValue) == ["a1"])
            let limited = try await TradesView.read(client, filter: .init(limit: 1))
            #expect(limited.rows.count == 1)
            let ranged = try await TradesView.read(client, filter: .init(from: F.now.advanced(byNanoseconds: -250 * F.second),
                                                                          to: F.now.advanced(byNanoseconds: -150 * F.second)))
            #expect(ranged.rows.map(\.trade.clientOrderId.rawValue) == ["a2"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(paperFilled.json.jsonText.utf8)) as? [[String: Any]])
            #expect(json.first?["mode"] as? String == "paper")
            #expect(json.first?["realized_pnl"] as? String == "1")
            #expect(json.first?["filled_quantity"] as? String == "0.5")
            await #expect(throws: ViewOptionError.self) { try await TradesView.read(client, filter: .init(strategy: "nope")) }
        }
    }

    @Test("positions show each mode separately and hide flat ones unless asked")
    func positionsByMode() async throws {
        try await ScratchDatabase.with { _, client in
            let alpha = try await F.strategy("alpha", on: client)
            for (mode, quantity) in [(TradingMode.paper, "2"), (.replay, "0"), (.live, "1")] {
                try await PositionRepository(client).upsert(PositionRecord(
                    strategyId: alpha, instrument: try F.instrument("BTC-USDT"), side: .net, quantity: Quantity(F.n(quantity)),
                    avgEntryPrice: Price(F.n("100")), openedAt: F.now, lastUpdated: F.now, mode: mode))
            }
            let open = try await PositionsView.read(client)
            #expect(Set(open.rows.map(\.position.mode)) == [.paper, .live])
            let paper = try await PositionsView.read(client, strategy: "alpha", mode: .paper)
            #expect(paper.rows.map(\.position.quantity) == [Quantity(F.n("2"))])
            let all = try await PositionsView.read(client, includeFlat: true)
            #expect(all.rows.count == 3)
        }
    }

    @Test("perf reads rolled-up days and adds today from the trades, marked partial")
    func perfDays() async throws {
        try await ScratchDatabase.with { _, client in
            let alpha = try await F.strategy("alpha", on: client)
            try await PerformanceRepository(client).upsert(StrategyPerformanceRecord(
                strategyId: alpha, day: F.now.advanced(byNanoseconds: -F.day), mode: .paper, totalTrades: 4, winningTrades: 3,
                losingTrades: 1, totalPnl: Money(F.n("20")), totalCommission: Money(F.n("1")), netPnl: Money(F.n("19")),
                winRate: F.n("0.75"), totalVolume: Money(F.n("400"))))
            try await PerformanceRepository(client).upsert(StrategyPerformanceRecord(
                strategyId: alpha, day: F.now.advanced(byNanoseconds: -10 * F.day), mode: .paper, totalTrades: 1, winningTrades: 1,
                losingTrades: 0, totalPnl: Money(F.n("5")), totalCommission: .zero, netPnl: Money(F.n("5")), totalVolume: Money(F.n("50"))))
            try await F.trade("t1", strategy: alpha, mode: .paper, pnl: "4", fee: "0.5", on: client)
            try await F.trade("t2", strategy: alpha, mode: .paper, pnl: "-1", fee: "0.5", on: client)

            let view = try await PerformanceView.read(client, days: 7, strategy: "alpha", now: F.now)
            #expect(view.rows.count == 2)
            let yesterday = try #require(view.rows.first)
            #expect(yesterday.source == .rollup)
            #expect(yesterday.record.netPnl == Money(F.n("19")))
            let today = try #require(view.rows.last)
            #expect(today.source == .partialDay)
            #expect(today.record.mode == .paper)
            #expect(today.record.totalTrades == 2)
            #expect(today.record.totalPnl == Money(F.n("3")))
            #expect(today.record.netPnl == Money(F.n("2")))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(view.json.jsonText.utf8)) as? [[String: Any]])
            #expect(json.first?["net_pnl"] as? String == "19")
            #expect(json.first?["win_rate"] as? String == "0.75")
            #expect(json.last?["source"] as? String == "trades_today")
        }
    }

    @Test("1m candles come from market_ohlcv and 5m/1h/1d from the rollups")
    func candlesTables() async throws {
        try await ScratchDatabase.with { _, client in
            let btc = try F.instrument("BTC-USDT")
            let minute = F.now.advanced(byNanoseconds: -3_600 * F.second)
            let market = MarketDataRepository(client)
            try await market.upsertCandle(Candle(instrument: btc, interval: .oneMinute, openTime: minute, open: Price(F.n("100")),
                                                 high: Price(F.n("101")), low: Price(F.n("99")), close: Price(F.n("100.5")),
                                                 volume: Quantity(F.n("3")), volumeQuote: nil, isConfirmed: true))
            // Ticks at 200 and 210 in one 5-minute bucket: the rollups hold them, market_ohlcv does not.
            for (index, price) in ["200", "210"].enumerated() {
                try await market.insertTick(TradeTick(instrument: btc, tradeId: TradeId("t\(index)"), price: Price(F.n(price)),
                                                      quantity: Quantity(F.n("1")), side: .buy,
                                                      timestamp: minute.advanced(byNanoseconds: Int64(index + 1) * F.second)))
            }
            try await StorageMaintenance(client).refreshRollups()
            let from = F.now.advanced(byNanoseconds: -2 * F.day), to = F.now

            let oneMinute = try await CandlesView.read(client, instrument: btc, interval: .oneMinute, from: from, to: to)
            #expect(oneMinute.source == "market_ohlcv")
            #expect(oneMinute.bars.map(\.close) == [Price(F.n("100.5"))])
            for interval in [CandlesView.Interval.fiveMinutes, .oneHour, .oneDay] {
                let view = try await CandlesView.read(client, instrument: btc, interval: interval, from: from, to: to)
                #expect(view.source == "market_ohlcv_" + interval.rawValue)
                #expect(view.bars.count == 1, "\(interval.rawValue)")
                #expect(view.bars.first?.open == Price(F.n("200")))
                #expect(view.bars.first?.high == Price(F.n("210")))
                #expect(view.bars.first?.tradeCount == 2)
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(oneMinute.json.jsonText.utf8)) as? [String: Any])
            #expect((json["bars"] as? [[String: Any]])?.first?["close"] as? String == "100.5")
        }
    }
}
