// The console's overview page with 20 strategies, from a real PostgreSQL: GET /'s server time
// without HTTP and the session cookie's HMAC check, i.e. the operator check the route makes
// (runtime_authorize), the status report's queries (StatusReader, as `runtime status`) and the
// Mustache rendering of the page. A second benchmark times the queries alone, so the rendering's
// share is the difference. Issue 22's target: under 100 ms.
//
// The database is $DATABASE_URL when set (migrated here), else a scratch database on the embedded
// cluster (as the tests use), seeded with 20 paper strategies, each with two open positions, 30
// fills today, a risk event; plus data-quality and writer metrics. Dropped afterwards.
import Benchmark
import Console
import Foundation
import Logging
import PostgresNIO
import RuntimeHost
import Storage
import TradingCore

/// The database, its running client, and the console over it, made once by the setup hook.
final class OverviewFixture: @unchecked Sendable {
    static let strategies = 20
    let scratch: ScratchDatabase?
    let target: DatabaseTarget
    let client: PostgresClient
    let running: Task<Void, Never>
    let console: ConsoleServer

    init() async throws {
        let logger = Logger(label: "bench.console")
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            target = try DatabaseTarget(url: url)
            _ = try await Migrator(logger: logger).migrate(target: target)
            scratch = nil
        } else {
            let scratch = try await ScratchDatabase.create()
            self.scratch = scratch
            target = scratch.target
        }
        let client = PostgresClient(configuration: target.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        console = try ConsoleServer(client: client, configuration: ConsoleConfiguration(databaseName: "bench"), logger: logger)
        try await Self.seed(client)
        // What is measured must be the page a desk sees: every strategy, with its positions.
        let page = try await overview()
        let missing = (0..<Self.strategies).map(Self.name).filter { !page.contains($0) }
        guard missing.isEmpty, page.contains("net 0.05 ETH-USDT") else { throw FixtureIncomplete(missing: missing) }
    }

    static func name(_ index: Int) -> String { String(format: "strategy_%02d", index) }

    /// What GET / does once its session cookie checked out.
    func overview() async throws -> String {
        let user = try await OperatorAccess(client: client).authorize(identity: "admin", for: .read, action: "console.view",
                                                                      resourceType: "console", resourceId: "/")
        return try await console.overviewPage(for: user)
    }

    func close() async throws {
        running.cancel()
        try await scratch?.drop()
    }

    static func seed(_ client: PostgresClient) async throws {
        let repository = StrategyRepository(client)
        for index in 0..<strategies {
            let status: StrategyStatus = index % 7 == 3 ? .paused : index % 11 == 5 ? .halted : .paperTrading
            _ = try await repository.upsert(StrategyRecord(
                name: StrategyName(name(index)), strategyType: "trend_follow", version: "1.0.0",
                symbols: ["BTC-USDT", "ETH-USDT"], status: status, allocatedCapital: Money(FixedPoint(10_000))))
        }
        try await client.query("""
            INSERT INTO trades (client_order_id, strategy_id, symbol, side, order_type, quantity, avg_fill_price, filled_quantity,
                                commission, realized_pnl, status, created_at, completed_at, mode)
            SELECT s.name || '-' || n, s.id, CASE WHEN n % 3 = 0 THEN 'ETH-USDT' ELSE 'BTC-USDT' END,
                   CASE WHEN n % 2 = 0 THEN 'sell' ELSE 'buy' END, 'market', 0.01, 60000 + n * 10, 0.01,
                   0.5, CASE WHEN n % 2 = 0 THEN (n * 7 % 23) - 8 ELSE NULL END, 'filled',
                   now() - make_interval(mins => 40 - n), now() - make_interval(mins => 40 - n), 'paper'
            FROM strategies s, generate_series(1, 30) AS n
            """)
        try await client.query("""
            INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, current_price, unrealized_pnl, realized_pnl, mode)
            SELECT s.id, i.symbol, 'net', 0.05, i.price, i.price * 1.01, i.price * 0.0005, 12.5, 'paper'
            FROM strategies s, (VALUES ('BTC-USDT', 60000), ('ETH-USDT', 3000)) AS i(symbol, price)
            """)
        try await client.query("""
            INSERT INTO risk_events (event_type, severity, strategy_id, symbol, description, mode)
            SELECT 'daily_loss', 'warning', id, 'BTC-USDT', 'daily loss at 80% of the limit', 'paper' FROM strategies
            """)
        try await client.query("""
            INSERT INTO system_metrics (timestamp, metric_category, metric_name, metric_value, unit, tags)
            SELECT now(), c.category, c.name, 100, 'count', '{}'
            FROM (VALUES ('data_quality', 'events_checked'), ('data_quality', 'events_rejected'),
                         ('writer', 'market_queue_depth'), ('writer', 'trading_queue_depth')) AS c(category, name)
            """)
    }
}

nonisolated(unsafe) var fixture: OverviewFixture?

/// The seeded overview lacks strategies or positions.
struct FixtureIncomplete: Error, CustomStringConvertible {
    var missing: [String]
    var description: String { "the overview page lacks strategies \(missing) or the seeded positions" }
}

/// A benchmark ran without its setup hook's fixture.
struct FixtureMissing: Error, CustomStringConvertible {
    var description: String { "the setup hook made no fixture (see its error above)" }
}

let benchmarks: @Sendable () -> Void = {
    // Each sample is one page (scalingFactor .one); a few hundred samples within the time limit.
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds,
                                                scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 500)
    Benchmark.setup = { fixture = try await OverviewFixture() }
    Benchmark.teardown = {
        try await fixture?.close()
        fixture = nil
    }

    Benchmark("Overview page, 20 strategies: authorize + read + render", configuration: configuration) { benchmark in
        guard let fixture else { throw FixtureMissing() }
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.overview())
        }
    }

    Benchmark("Overview data alone, 20 strategies: StatusReader.read", configuration: configuration) { benchmark in
        guard let fixture else { throw FixtureMissing() }
        for _ in benchmark.scaledIterations {
            blackHole(try await StatusReader(fixture.client, target: "bench").read())
        }
    }
}
