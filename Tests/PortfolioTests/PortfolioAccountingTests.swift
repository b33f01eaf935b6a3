import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Portfolio

@Suite("Portfolio accounting", .watchdog)
struct PortfolioAccountingTests {
    func swapPortfolio() -> Portfolio {
        Portfolio(instruments: [btcSwap, ethSpot], allocatedCapital: ["alpha": money("10000")],
                  configuration: PortfolioConfiguration(defaultLeverage: FixedPoint(10)), mode: .paper)
    }

    @Test("a swap flip from long to short realizes the long and opens the short at the fill price")
    func flipLongToShort() throws {
        let portfolio = swapPortfolio()
        let open = try portfolio.apply(fill(btcSwap, .buy, "10", at: "30000", fee: "1.5", "USDT", time: ms(1_000)))
        #expect(open.realizedPnl == .zero)
        #expect(open.position.side == .long)
        #expect(open.position.quantity == qty("10"))
        #expect(open.position.avgEntryPrice == px("30000"))
        // 10 × 0.01 × 30 000 / 10
        #expect(open.position.margin == money("300"))
        // 30 000 × (1 − 1/10) / (1 − 0.004)
        #expect(open.position.liquidationPrice == px("27108.433734939759"))

        let flip = try portfolio.apply(fill(btcSwap, .sell, "25", at: "31000", fee: "3.875", "USDT", time: ms(2_000)))
        // Closes 10 contracts: 10 × 0.01 × (31 000 − 30 000) = 100
        #expect(flip.realizedPnl == money("100"))
        #expect(flip.feeInQuote == money("3.875"))
        let short = flip.position
        #expect(short.side == .short)
        #expect(short.positionSide == .net)
        #expect(short.quantity == qty("15"))
        #expect(short.avgEntryPrice == px("31000"))
        #expect(short.realizedPnl == money("100"))
        #expect(short.fees == money("5.375"))
        #expect(short.openedAt == ms(2_000))
        // 15 × 0.01 × 31 000 / 10
        #expect(short.margin == money("465"))
        // 31 000 × (1 + 1/10) / (1 + 0.004)
        #expect(short.liquidationPrice == px("33964.143426294821"))
        #expect(short.mode == .paper)

        portfolio.mark(btcSwap.id, price: px("30500"), at: ms(3_000))
        let marked = try #require(portfolio.position(PositionKey(strategy: "alpha", instrument: btcSwap.id)))
        // −15 × 0.01 × (30 500 − 31 000) = 75
        #expect(marked.unrealizedPnl == money("75"))
        #expect(marked.currentPrice == px("30500"))
        // 10 000 + 100 realized + 75 unrealized − 5.375 fees
        #expect(portfolio.equity(of: "alpha") == money("10169.625"))
    }

    @Test("a partial reduction realizes PnL on the closed part and keeps the average entry")
    func partialReduction() throws {
        let portfolio = swapPortfolio()
        _ = try portfolio.apply(fill(btcSwap, .buy, "1", at: "30000", fee: "0", "USDT"))
        let add = try portfolio.apply(fill(btcSwap, .buy, "3", at: "30400", fee: "0", "USDT"))
        // (1 × 30 000 + 3 × 30 400) / 4 = 30 300
        #expect(add.position.avgEntryPrice == px("30300"))
        let reduce = try portfolio.apply(fill(btcSwap, .sell, "1.5", at: "30100", fee: "0", "USDT"))
        // 1.5 × 0.01 × (30 100 − 30 300) = −3
        #expect(reduce.realizedPnl == money("-3"))
        #expect(reduce.position.avgEntryPrice == px("30300"))
        #expect(reduce.position.quantity == qty("2.5"))
        let close = try portfolio.apply(fill(btcSwap, .sell, "2.5", at: "30500", fee: "0", "USDT"))
        // 2.5 × 0.01 × 200 = 5
        #expect(close.realizedPnl == money("5"))
        #expect(close.position.quantity == .zero)
        #expect(close.position.unrealizedPnl == .zero)
        #expect(close.position.margin == .zero)
        #expect(close.position.liquidationPrice == nil)
        #expect(close.position.realizedPnl == money("2"))
    }

    @Test("a spot buy's base-currency fee shrinks the holding; a spot sell's fee is in quote; equity balances with cash")
    func spotFees() throws {
        let portfolio = Portfolio(instruments: [ethSpot], allocatedCapital: ["alpha": money("1000")], mode: .paper)
        let buy = try portfolio.apply(fill(ethSpot, .buy, "1", at: "100", fee: "0.001", "ETH"))
        #expect(buy.position.quantity == qty("0.999"))
        #expect(buy.position.avgEntryPrice == px("100"))
        // 0.001 ETH valued at 100
        #expect(buy.feeInQuote == money("0.1"))
        #expect(buy.position.margin == nil)
        #expect(buy.position.leverage == .one)
        #expect(buy.position.liquidationPrice == nil)
        portfolio.mark(ethSpot.id, price: px("110"), at: ms(2_000))
        // cash 900 + 0.999 × 110 = 1009.89 = 1000 + 9.99 unrealized − 0.1 fees
        #expect(portfolio.equity(of: "alpha") == money("1009.89"))

        let sell = try portfolio.apply(fill(ethSpot, .sell, "0.999", at: "110", fee: "0.10989", "USDT"))
        #expect(sell.realizedPnl == money("9.99"))
        #expect(sell.feeInQuote == money("0.10989"))
        #expect(sell.position.quantity == .zero)
        // cash 900 + 109.89 − 0.10989 = 1009.78011
        #expect(portfolio.equity(of: "alpha") == money("1009.78011"))
    }

    @Test("hedge-mode long and short positions are separate rows")
    func hedgeMode() throws {
        let portfolio = swapPortfolio()
        _ = try portfolio.apply(fill(btcSwap, .buy, "2", at: "30000", fee: "0", "USDT", positionSide: .long))
        let short = try portfolio.apply(fill(btcSwap, .sell, "3", at: "30010", fee: "0", "USDT", positionSide: .short))
        #expect(short.realizedPnl == .zero)
        #expect(short.position.side == .short)
        #expect(portfolio.records().map(\.positionSide) == [.long, .short])
        let closeShort = try portfolio.apply(fill(btcSwap, .buy, "1", at: "30000", fee: "0", "USDT", positionSide: .short))
        // 1 × 0.01 × (30 010 − 30 000) = 0.1
        #expect(closeShort.realizedPnl == money("0.1"))
        #expect(closeShort.position.quantity == qty("2"))
    }

    @Test("marks make positions dirty once per change; fills return their record directly")
    func dirtyPositions() throws {
        let portfolio = swapPortfolio()
        _ = try portfolio.apply(fill(btcSwap, .buy, "1", at: "30000", fee: "0", "USDT"))
        _ = try portfolio.apply(fill(btcSwap, .buy, "1", at: "30000", fee: "0", "USDT", strategy: "beta"))
        #expect(!portfolio.hasDirtyPositions)
        portfolio.mark(btcSwap.id, price: px("30100"), at: ms(2_000))
        portfolio.mark(ethSpot.id, price: px("5"), at: ms(2_000))
        let dirty = portfolio.takeDirtyRecords()
        #expect(dirty.map(\.strategy) == ["alpha", "beta"])
        #expect(dirty.map(\.unrealizedPnl) == [money("1"), money("1")])
        #expect(dirty.map(\.lastUpdated) == [ms(2_000), ms(2_000)])
        #expect(portfolio.takeDirtyRecords().isEmpty)
        portfolio.mark(btcSwap.id, price: px("30100"), at: ms(3_000))
        #expect(!portfolio.hasDirtyPositions)
    }

    @Test("unknown instruments and foreign fee currencies are refused with the reason")
    func errors() throws {
        let portfolio = Portfolio(instruments: [ethSpot], mode: .paper)
        #expect(throws: PortfolioError.unknownInstrument(btcSwap.id)) {
            try portfolio.apply(fill(btcSwap, .buy, "1", at: "1", fee: "0", "USDT"))
        }
        #expect(throws: PortfolioError.feeCurrencyMismatch(ethSpot.id, feeCurrency: "OKB")) {
            try portfolio.apply(fill(ethSpot, .buy, "1", at: "1", fee: "0", "OKB"))
        }
    }

    @Test("a portfolio restored from its position records equals the original and evolves identically")
    func restore() throws {
        let original = swapPortfolio()
        _ = try original.apply(fill(btcSwap, .buy, "10", at: "30000", fee: "1.5", "USDT", time: ms(1_000)))
        _ = try original.apply(fill(btcSwap, .sell, "25", at: "31000", fee: "3.875", "USDT", time: ms(2_000)))
        _ = try original.apply(fill(ethSpot, .buy, "1.2345", at: "101.37", fee: "0.0012345", "ETH", time: ms(2_500)))
        _ = try original.apply(fill(btcSwap, .buy, "0.5", at: "29000", fee: "0", "USDT", strategy: "beta", time: ms(2_600)))
        original.mark(btcSwap.id, price: px("30512.3"), at: ms(3_000))
        original.mark(ethSpot.id, price: px("99.99"), at: ms(3_100))

        let records = original.records()
        let restored = try Portfolio(restoring: records, instruments: [btcSwap, ethSpot],
                                     allocatedCapital: ["alpha": money("10000")],
                                     configuration: PortfolioConfiguration(defaultLeverage: FixedPoint(10)), mode: .paper)
        #expect(restored.positions == original.positions)
        #expect(restored.records() == records)
        #expect(restored.equity(of: "alpha") == original.equity(of: "alpha"))
        #expect(restored.equity(of: "beta") == original.equity(of: "beta"))

        let next = fill(btcSwap, .buy, "20", at: "30200", fee: "3.02", "USDT", time: ms(4_000))
        #expect(try restored.apply(next) == original.apply(next))
        #expect(restored.positions == original.positions)

        #expect(throws: PortfolioError.duplicateRecord(records[0].key)) {
            try Portfolio(restoring: [records[0], records[0]], instruments: [btcSwap, ethSpot], mode: .paper)
        }
    }

    @Test("the equity curve samples at most once per interval unless forced, and keeps the opening sample")
    func equityCurve() {
        var curve = EquityCurve(strategy: "alpha", intervalNanoseconds: 60_000_000_000)
        let appended = [
            curve.record(money("100"), at: ms(0)),
            curve.record(money("101"), at: ms(30_000)),
            curve.record(money("102"), at: ms(30_000), force: true),
            curve.record(money("103"), at: ms(90_000)),
        ]
        #expect(appended == [true, false, true, true])
        let dropped = curve.dropSamples(before: ms(60_000))
        #expect(dropped.map(\.equity) == [money("100"), money("102")])
        #expect(curve.samples.map(\.equity) == [money("102"), money("103")])
    }

    @Test("a mark whose unrealized PnL cannot be represented leaves the position at its last mark, not dirty")
    func overflowingMark() throws {
        let portfolio = swapPortfolio()
        _ = try portfolio.apply(fill(ethSpot, .buy, "1000000000000000", at: "2000", fee: "0", "USDT", time: ms(1_000)))
        portfolio.mark(ethSpot.id, price: px("2100"), at: ms(2_000))
        _ = portfolio.takeDirtyRecords()
        // 10^15 × (10^14 − 2000) is past FixedPoint's range.
        portfolio.mark(ethSpot.id, price: px("100000000000000"), at: ms(3_000))
        let position = try #require(portfolio.position(PositionKey(strategy: "alpha", instrument: ethSpot.id)))
        #expect(position.currentPrice == px("2100"))
        #expect(position.unrealizedPnl == money("100000000000000000"))
        #expect(position.lastUpdated == ms(2_000))
        #expect(!portfolio.hasDirtyPositions)
    }
}
