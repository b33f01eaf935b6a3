import Foundation
import Logging
import MarketData
import PostgresNIO
import RuntimeHost
import Storage
import Testing
import TradingCore

/// A paper host that stops and starts again rebuilds its positions from the database, and they
/// are what they were when it stopped.
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

    /// What must survive a restart, per position: quantity and direction, entry, realized PnL.
    static func fingerprint(_ records: [PortfolioPositionRecord]) -> [String] {
        records.filter { !$0.quantity.isZero }
            .map { "\($0.strategy) \($0.symbol) \($0.side) \($0.quantity) \($0.avgEntryPrice) \($0.realizedPnl)" }
            .sorted()
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

            let second = try await Self.plan(client, target: database.target)
            let after = Self.fingerprint(second.engine.portfolio.records())
            await second.releaseLocks()
            #expect(after == before)
        }
    }
}
