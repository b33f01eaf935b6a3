import Console
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import PostgresNIO
import Prometheus
import RuntimeHost
import Storage
import TradingCore

/// A console over a scratch database with a user of each role (password `PASSWORD`), one
/// paper-trading strategy `trend` (risk limits, its risk monitor 400 under the day's open, a
/// few fills, one unacknowledged risk event), 50 one-minute candles, and a clock the test moves.
struct ConsoleFixture: Sendable {
    static let password = "correct horse battery"
    static let strategy = "trend"
    static let userAgent = "ConsoleTests/1.0"
    /// Cheap bcrypt for tests; the policy's checks are the shipped ones.
    static let passwords = PasswordPolicy(minimumLength: 12, cost: 4)

    let database: ScratchDatabase
    let client: PostgresClient
    let clock: TestClock
    let configuration: ConsoleConfiguration

    /// Sets up the database and runs `body` with the fixture.
    static func with(_ body: @Sendable (ConsoleFixture) async throws -> Void) async throws {
        try await ScratchDatabase.with { database, client in
            for (name, role) in [("admin", UserRole.admin), ("tina", .trader), ("vera", .viewer), ("rita", .riskOfficer)] {
                try await addUser(name, role: role, client: client)
                let hash = try await passwords.hash(password)
                _ = try await ConsoleAccounts(client).setPassword(identity: "admin", actingAs: nil, username: name, hash: hash)
            }
            try await seedStrategy(client)
            let clock = TestClock(Int64(Date().timeIntervalSince1970))
            let configuration = ConsoleConfiguration(address: ConsoleAddress(host: "127.0.0.1", port: 0), sessionLifetime: 3600,
                                                     passwords: passwords, loginFailureLimit: 5, loginFailureWindow: 900,
                                                     databaseName: "scratch", clock: { clock.now })
            try await body(ConsoleFixture(database: database, client: client, clock: clock, configuration: configuration))
        }
    }

    /// Runs `body` against the console served on an ephemeral port, over `client` (by default
    /// the scratch cluster's superuser, as on the embedded cluster). With `metrics`, it serves
    /// them at /metrics, as beside a host.
    func serve(over client: PostgresClient? = nil, metrics: PrometheusCollectorRegistry? = nil,
               _ body: @Sendable (Browser) async throws -> Void) async throws {
        let app = try ConsoleServer(client: client ?? self.client, configuration: configuration, metrics: metrics).application()
        try await app.test(.live) { client in
            try await body(Browser(client: client))
        }
    }

    static func addUser(_ name: String, role: UserRole, client: PostgresClient) async throws {
        let admin = try await OperatorAccess(client: client).authorize(identity: "admin", for: .manageUsers, action: UserAdministration.addAction,
                                                                       resourceType: "user", resourceId: name)
        if name == "admin" { return }
        try await UserAdministration(client: client).add(username: name, role: role, email: nil, by: admin)
    }

    static func seedStrategy(_ client: PostgresClient) async throws {
        let record = StrategyRecord(name: StrategyName(strategy), strategyType: "trend_follow", version: "1.0.0", symbols: ["BTC-USDT"],
                                    status: .paperTrading, allocatedCapital: Money(FixedPoint(10_000)))
        let id = try await StrategyRepository(client).upsert(record)
        try await client.query(#"""
            UPDATE strategies SET manifest = '{"mode": "paper", "risk_limits": {"max_daily_loss": 500, "max_drawdown_pct": 10,
                "max_open_orders": 4, "max_order_notional": 5000}}'::jsonb WHERE name = 'trend'
            """#)
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        func money(_ value: Int) -> Money { Money(FixedPoint(value)) }
        try await RiskMonitorRepository(client).upsert(RiskMonitorRecord(
            strategyId: id, mode: .paper, utcDay: now.utcDayNumber, dayOpenEquity: money(10_000), lastEquity: money(9_600),
            peakEquity: money(10_200), allocatedCapital: money(10_000), updatedAt: now))
        try await client.query("""
            INSERT INTO trades (client_order_id, strategy_id, symbol, side, order_type, quantity, avg_fill_price, filled_quantity,
                                commission, realized_pnl, status, created_at, completed_at, mode)
            SELECT 'fixture-' || n, s.id, 'BTC-USDT', CASE WHEN n % 2 = 0 THEN 'sell' ELSE 'buy' END, 'market', 0.01, 60000 + n * 10, 0.01,
                   0.5, CASE WHEN n % 2 = 0 THEN (n * 7 % 23) - 8 ELSE NULL END, 'filled',
                   now() - make_interval(mins => 40 - n), now() - make_interval(mins => 40 - n), 'paper'
            FROM strategies s, generate_series(1, 30) AS n WHERE s.name = 'trend'
            """)
        let instrument = try InstrumentId(parsing: "BTC-USDT")
        let start = Int64(Date().timeIntervalSince1970 / 60) * 60 - 3_600
        for minute in 0..<50 {
            let close = 60_000 + Double(minute % 10) * 10
            func price(_ value: Double) -> Price { Price(FixedPoint(Int(value))) }
            try await MarketDataRepository(client).upsertCandle(Candle(
                instrument: instrument, interval: .oneMinute, openTime: Timestamp(millisecondsSinceEpoch: (start + Int64(minute) * 60) * 1000),
                open: price(close - 5), high: price(close + 20), low: price(close - 20), close: price(close), volume: Quantity(FixedPoint(1))))
        }
        try await client.query("""
            INSERT INTO risk_events (event_type, severity, strategy_id, symbol, description, mode)
            SELECT 'daily_loss', 'warning', id, 'BTC-USDT', 'daily loss at 80% of the limit', 'paper' FROM strategies WHERE name = 'trend'
            """)
    }

    /// strategies.status of the fixture's strategy.
    func status() async throws -> String {
        for try await status in try await client.query("SELECT status FROM strategies WHERE name = 'trend'").decode(String.self) {
            return status
        }
        return "missing"
    }

    /// The single count `sql` selects.
    func count(_ sql: String) async throws -> Int {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { return value }
        return 0
    }

    /// The newest audit row of `action`: (success, ip_address, user_agent, error_message, username).
    func audit(_ action: String) async throws -> [AuditRow] {
        var rows: [AuditRow] = []
        for try await (success, ip, agent, error, user) in try await client.query("""
            SELECT a.success, host(a.ip_address), a.user_agent, a.error_message, u.username
            FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id WHERE a.action = \(action) ORDER BY a.id
            """).decode((Bool, String?, String?, String?, String?).self) {
            rows.append(AuditRow(success: success, ip: ip, userAgent: agent, error: error, user: user))
        }
        return rows
    }

    struct AuditRow: Sendable, Hashable {
        var success: Bool
        var ip: String?
        var userAgent: String?
        var error: String?
        var user: String?
    }
}

/// A wall clock in whole seconds that only the test moves.
final class TestClock: Sendable {
    private let value: NIOLockedValueBox<Int64>
    init(_ start: Int64) { value = NIOLockedValueBox(start) }
    var now: Int64 { value.withLockedValue { $0 } }
    func advance(by seconds: Int64) { value.withLockedValue { $0 += seconds } }
}
