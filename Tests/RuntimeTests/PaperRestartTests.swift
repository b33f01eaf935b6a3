import Foundation
import Logging
import MarketData
import Portfolio
import PostgresNIO
import RuntimeHost
import Storage
import Testing
import TradingCore

/// A paper host that stops and starts again rebuilds its positions from the database, and they
/// are what they were when it stopped: holdings, entries, realized PnL and the fees paid, so that
/// a strategy's equity is the same before and after the restart.
@Suite struct PaperRestartTests {
    static func settings() throws -> HostSettings {
        var settings = try HostSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path)
        settings.host.metricsPort = 0
        return settings
    }

    static func plan(_ client: PostgresClient, target: DatabaseTarget) async throws -> HostPlan {
        try await HostLauncher.prepare(mode: .paper, only: nil, settings: try settings(), catalog: PluginTestSupport.catalog,
                                       loader: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                       target: target, client: client, logger: Logger(label: "test.restart"))
    }

    /// What must survive a restart, per position: quantity and direction, entry, realized PnL, fees.
    static func fingerprint(_ records: [PortfolioPositionRecord]) -> [String] {
        records.filter { !$0.quantity.isZero }
            .map { "\($0.strategy) \($0.symbol) \($0.side) \($0.quantity) \($0.avgEntryPrice) \($0.realizedPnl) fees \($0.fees)" }
            .sorted()
    }

    /// Each strategy's equity and its parts (realized, fees, unrealized), every position marked to
    /// the same `price` first, so that the two portfolios are compared at one mark.
    static func equity(_ portfolio: Portfolio, markedTo price: Price, at time: Timestamp) -> [String] {
        let instruments = Set(portfolio.records().map(\.symbol))
        for instrument in instruments { portfolio.mark(instrument, price: price, at: time) }
        return portfolio.strategies.map { strategy in
            let positions = portfolio.records().filter { $0.strategy == strategy }
            let realized = positions.reduce(Money.zero) { $0 + $1.realizedPnl }
            let fees = positions.reduce(Money.zero) { $0 + $1.fees }
            let unrealized = positions.reduce(Money.zero) { $0 + $1.unrealizedPnl }
            return "\(strategy) realized \(realized) fees \(fees) unrealized \(unrealized) equity \(portfolio.equity(of: strategy))"
        }
    }

    @Test func positionsAreRebuiltExactlyAfterARestart() async throws {
        try await ScratchDatabase.with { database, client in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)

            let first = try await Self.plan(client, target: database.target)
            let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 3, start: WallClock.now())
            let session = HostSession(engine: first.engine, persistence: first.persistence,
                                      feed: SyntheticFeed(market: market, steps: 20_000), liveFeed: nil,
                                      target: database.target, settings: try Self.settings(), strategies: first.strategies,
                                      logger: Logger(label: "test.restart"))
            let summary = await session.run()
            await first.releaseLocks()
            #expect(summary.fills > 0)
            let before = Self.fingerprint(first.engine.portfolio.records())
            #expect(!before.isEmpty, "the market maker should hold inventory when it stops")

            let feesPaid = first.engine.portfolio.records().reduce(Money.zero) { $0 + $1.fees }
            #expect(feesPaid.value.isPositive, "the market maker pays fees on its fills")

            let second = try await Self.plan(client, target: database.target)
            let after = Self.fingerprint(second.engine.portfolio.records())
            await second.releaseLocks()
            #expect(after == before)

            // Equity at one mark, 1% above the last entry: realized PnL, fees and unrealized PnL
            // are what they were, so the equity is too.
            let entry = try #require(first.engine.portfolio.records().first { !$0.quantity.isZero }).avgEntryPrice
            let mark = Price(try entry.value.multiplied(by: try FixedPoint(parsing: "1.01"), rounding: .toNearestOrAwayFromZero))
            let now = WallClock.now()
            let equityBefore = Self.equity(first.engine.portfolio, markedTo: mark, at: now)
            let equityAfter = Self.equity(second.engine.portfolio, markedTo: mark, at: now)
            #expect(!equityBefore.isEmpty)
            #expect(equityAfter == equityBefore)
        }
    }
}
