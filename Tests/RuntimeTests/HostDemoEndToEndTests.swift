import Foundation
import NIOCore
import OKXTestServer
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// `runtime run --demo` as an operator runs it, against the fake OKX private server (REST and
/// private WebSocket, signatures checked, the paper venue matching) and a public feed: the host
/// trades a strategy that places, amends and cancels every kind of order; it is killed (SIGKILL)
/// while OKX holds an order it accepted but never answered; restarted, it finds that order in
/// the database, looks it up at OKX and adopts what became of it. Afterwards the database, the
/// fake venue and `runtime positions` agree.
@Suite(.watchdog) struct HostDemoEndToEndTests {
    static let account = OKXTestAccount(apiKey: "demo-key-e2e", secret: "demo-secret-e2e-0123456789", passphrase: "demo pass", isDemo: true)

    /// A books5 snapshot around 30 000, then trades on both sides of it, every `interval`, stamped
    /// from now: a feed long enough for a strategy to trade on for the whole test.
    static func frames(_ instrument: String, count: Int, interval: Int64) -> [String] {
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let book = #"{"arg":{"channel":"books5","instId":"\#(instrument)"},"data":[{"asks":[["30000.1","5","0","3"],["30000.5","5","0","2"]],"#
            + #""bids":[["29999.9","5","0","3"],["29999.5","5","0","2"]],"instId":"\#(instrument)","ts":"TS"}]}"#
        return (0..<count).map { index in
            let ts = String(start + Int64(index) * interval)
            if index % 10 == 0 { return book.replacingOccurrences(of: "TS", with: ts) }
            let (price, side) = index % 2 == 0 ? ("30000.1", "buy") : ("29999.9", "sell")
            return #"{"arg":{"channel":"trades","instId":"\#(instrument)"},"data":[{"instId":"\#(instrument)","tradeId":"\#(900_000 + index)","#
                + #""px":"\#(price)","sz":"0.001","side":"\#(side)","ts":"\#(ts)"}]}"#
        }
    }

    static func manifest(_ instrument: String) -> String { baseManifest.replacingOccurrences(of: "  - BTC-USDT\n", with: "  - \(instrument)\n") }

    static let baseManifest = """
        name: storm_demo
        plugin: OrderStorm
        strategy: OrderStorm
        version: 1.0.0
        mode: paper
        instruments:
          - BTC-USDT
        channels:
          - trades
          - books5
        parameters:
          seed: 21
          activity_pct: 15
          max_lots: 20
        allocated_capital: 10000
        risk_limits:
          max_order_quantity: 1
          max_order_notional: 500
          max_position_size: 2000
          max_leverage: 1
          price_band_pct: 5
          max_orders_per_minute: 120
          max_open_orders: 6
        """

    /// Spot and a swap: a swap's position is also compared with OKX's on every reconciliation.
    @Test(arguments: ["BTC-USDT", "BTC-USDT-SWAP"])
    func demoHostCrashesMidOrderAndTheRestartReconciles(instrument: String) async throws {
        try await ScratchDatabase.with { database, client in
            let root = PluginTestSupport.packageRoot
            let (okx, _) = try await Self.exchange(trading: instrument)
            defer { Task { try? await okx.shutdown() } }
            var environment = Self.environment(database, okx, keys: Self.keys(Self.account, prefix: "OKX_DEMO_"))
            try await Self.deploy(Self.manifest(instrument), environment)

            // 1. Trade until some orders filled, then lose the private socket and have OKX accept
            //    orders without answering; kill the host as soon as one such order is at OKX.
            let firstFeed = try await Self.feed(instrument)
            defer { Task { try? await firstFeed.shutdown() } }
            environment.merge(Self.feedEnvironment(firstFeed)) { $1 }
            let first = try ChildProcess(HostEndToEndTests.runtime, ["run", "--demo", "--strategies", "storm_demo"],
                                         environment: environment, directory: root)
            try await Wait.until("three filled demo orders", within: .minutes(5)) {
                try await Self.count(client, "SELECT count(*) FROM trades WHERE mode = 'demo' AND filled_quantity > 0", host: first) >= 3
            }
            let deadMan: [Int] = okx.snapshot { $0.deadManTimeouts }
            #expect(deadMan.first == 60, "the dead-man switch is armed at start")
            okx.dropWebSockets(refuseNew: true)
            okx.faultEveryPlace(.acceptThenHold)
            let placedBefore: Int = okx.snapshot { $0.orders.count }
            let held = try await Wait.until("an order OKX accepted and did not answer", within: .minutes(3), {
                try Self.newestOrder(of: okx, after: placedBefore, host: first)
            }, satisfies: { !$0.isEmpty })
            first.signal(SIGKILL)
            _ = try await first.waitForExit()

            // Its row was committed before the request left: the crash finds it, still pending.
            #expect(try await SQLTestQueries.strings(client, "SELECT status FROM trades WHERE client_order_id = '\(held)'") == ["pending"],
                    "host log:\n\(first.output.suffix(4_000))")
            let orphans: [String] = okx.snapshot { Array($0.orders.values) }.map(\.clOrdId)
            let rows = Set(try await SQLTestQueries.strings(client, "SELECT client_order_id FROM trades WHERE mode = 'demo'"))
            #expect(orphans.filter { !rows.contains($0) }.isEmpty, "every order OKX has, the database had before it was sent")

            // 2. Restart with OKX behaving: the held order is looked up and adopted.
            okx.faultEveryPlace(nil)
            okx.acceptWebSockets()
            let secondFeed = try await Self.feed(instrument)
            defer { Task { try? await secondFeed.shutdown() } }
            environment.merge(Self.feedEnvironment(secondFeed)) { $1 }
            let second = try ChildProcess(HostEndToEndTests.runtime, ["run", "--demo", "--strategies", "storm_demo"],
                                          environment: environment, directory: root)
            let fillsBefore: Int = okx.snapshot { $0.fills.count }
            do {
                // Probes kept to one expression each: this file's larger closures crashed and
                // miscompiled the 6.3 compiler.
                try await Wait.until("the restarted host to adopt the held order", within: .minutes(3)) {
                    try await Self.status(of: held, client: client, host: second) != "pending"
                }
                try await Wait.until("more demo fills after the restart", within: .minutes(3)) {
                    try Self.fillCount(okx, host: second) > fillsBefore
                }
            } catch {
                Issue.record("held order \(held); requests at OKX: \(okx.snapshot { $0.requests.suffix(30).map { "\($0.method) \($0.uri) \($0.outcome)" } })\nrestarted host's log:\n\(second.output.suffix(8_000))")
                second.signal(SIGKILL)
                throw error
            }
            second.signal(SIGTERM)
            let status = try await second.waitForExit()
            #expect(status == 0, "host log:\n\(second.output.suffix(4_000))")
            #expect(second.output.contains("okx trading session ready"), "\(second.output.suffix(4_000))")
            #expect(!(first.output + second.output).contains(Self.account.secret) && !(first.output + second.output).contains(Self.account.passphrase),
                    "credentials are never logged")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM risk_events WHERE event_type LIKE 'venue_%'") == 0,
                    "the runtime's own finished orders are not external: \(second.output.suffix(4_000))")

            // 3. The database, the fake venue and `runtime positions` agree.
            let venueOrders: [String] = okx.snapshot { Array($0.orders.values) }.filter { !$0.clOrdId.isEmpty }
                .map { "\($0.clOrdId) \(Self.status(ofOKXState: $0.state)) \($0.filled.value)" }.sorted()
            let databaseOrders = try await SQLTestQueries.strings(client, """
                SELECT client_order_id || ' ' || CASE WHEN status IN ('submitted', 'partially_filled') THEN 'open' ELSE status END
                       || ' ' || filled_quantity::numeric(38,12)::text
                FROM trades WHERE mode = 'demo' AND okx_order_id IS NOT NULL ORDER BY 1
                """).map(HostEndToEndTests.canonical)
            #expect(databaseOrders == venueOrders, "host logs:\n\(first.output.suffix(2_000))\n\(second.output.suffix(4_000))")
            let placements: [String: Int] = okx.snapshot { $0.placements }
            #expect(placements.values.allSatisfy { $0 == 1 }, "no order was placed twice")
            let venueFills: [OKXTestFill] = okx.snapshot { $0.fills }
            let venueNet = venueFills.reduce(FixedPoint.zero) { $0 + $1.size.value.times($1.side.sign) }
            let databaseNet = try await SQLTestQueries.strings(client, """
                SELECT coalesce(sum(CASE side WHEN 'buy' THEN filled_quantity ELSE -filled_quantity END), 0)::numeric(38,12)::text
                FROM trades WHERE mode = 'demo'
                """).map(HostEndToEndTests.canonical)
            #expect(databaseNet == [venueNet.description], "every fill at OKX is in the database, once")
            let positionRows = try await SQLTestQueries.strings(client, HostEndToEndTests.positionsBySum.replacingOccurrences(of: "'paper'", with: "'demo'"))
            #expect(positionRows == (try await SQLTestQueries.strings(client, HostEndToEndTests.fillsBySum.replacingOccurrences(of: "'paper'", with: "'demo'"))))
            let cli = try await HostEndToEndTests.run(["positions", "--json", "--mode", "demo"], environment: environment)
            #expect(cli.status == 0, "positions failed: \(cli.output)")
            let cliHoldings = try HostEndToEndTests.cliPositions(cli.standardOutput).map { line in
                let words = line.split(separator: " ")
                return "\(words[0]) \(words[1]) \(words[3] == "short" ? "-" : "")\(words[4])"
            }
            let holdings = positionRows.map(HostEndToEndTests.canonical).filter { !$0.hasSuffix(" 0") }
            #expect(cliHoldings == holdings, "runtime positions: \(cli.standardOutput)")
        }
    }

    /// A position at OKX that the runtime did not trade (an order placed by hand filled) cannot be
    /// explained: the first reconciliation halts the strategies, as the host's own halt (status,
    /// critical risk event, audit row), and nothing more is sent.
    @Test func anUnexplainedPositionAtOKXHaltsTheStrategies() async throws {
        try await ScratchDatabase.with { database, client in
            let (okx, swap) = try await Self.exchange(trading: "BTC-USDT-SWAP")
            defer { Task { try? await okx.shutdown() } }
            _ = try await okx.placeExternalOrder(instrument: swap.id, side: .buy, size: try Quantity(parsing: "1"), price: try Price(parsing: "30000.1"))
            let feed = try await Self.feed(swap.id.symbol)
            defer { Task { try? await feed.shutdown() } }
            let environment = Self.environment(database, okx, keys: Self.keys(Self.account, prefix: "OKX_DEMO_"))
                .merging(Self.feedEnvironment(feed)) { $1 }
            try await Self.deploy(Self.manifest(swap.id.symbol), environment)
            let host = try ChildProcess(HostEndToEndTests.runtime, ["run", "--demo"], environment: environment,
                                        directory: PluginTestSupport.packageRoot)
            try await Wait.until("the strategy halted for the position mismatch", within: .minutes(3)) {
                try await Self.count(client, """
                    SELECT count(*) FROM strategies s JOIN risk_events r ON r.strategy_id = s.id
                    WHERE s.name = 'storm_demo' AND s.status = 'halted' AND r.event_type = 'venue_position_mismatch'
                      AND r.severity = 'critical' AND r.mode = 'demo'
                    """, host: host) == 1
            }
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0, "\(host.output.suffix(3_000))")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM audit_logs WHERE action = 'strategy.halt' AND resource_id = 'storm_demo'") == 1)
            let runtimeOrders: Int = okx.snapshot { view in view.orders.values.filter { !$0.clOrdId.isEmpty }.count }
            #expect(runtimeOrders == 0, "a halted strategy sends nothing: \(host.output.suffix(3_000))")
        }
    }

    /// What the database does with the strategy's third order's row, and what the host then logs.
    struct RowTrouble: Sendable, CustomTestStringConvertible {
        var name: String
        var trigger: String
        var logged: String
        /// The row's status at the end: none when refused, `rejected` once the slow write lands.
        var finalRows: [String]
        var testDescription: String { name }
    }

    static let rowTroubles = [
        RowTrouble(name: "refused", trigger: "RAISE EXCEPTION 'refused for the test' USING ERRCODE = '23514'",
                   logged: "refused by the database; the new orders waiting on it are not sent", finalRows: []),
        RowTrouble(name: "slower than host.order_row_timeout_ms", trigger: "PERFORM pg_sleep(4)",
                   logged: "did not confirm the trading records within host.order_row_timeout_ms", finalRows: ["rejected"]),
    ]

    /// A new order whose trades row the database refuses, or does not confirm in time, never
    /// reaches OKX: the host holds every request until the rows before it are committed, and
    /// withdraws the new orders waiting on a row that failed or is late (the strategy is told
    /// they were rejected); the host's loop goes on.
    @Test(arguments: rowTroubles)
    func aNewOrderWhoseRowIsNotWrittenIsNeverSent(_ trouble: RowTrouble) async throws {
        try await ScratchDatabase.with { database, client in
            let (okx, _) = try await Self.exchange(trading: "BTC-USDT")
            defer { Task { try? await okx.shutdown() } }
            let feed = try await Self.feed("BTC-USDT")
            defer { Task { try? await feed.shutdown() } }
            let environment = Self.environment(database, okx, keys: Self.keys(Self.account, prefix: "OKX_DEMO_"))
                .merging(Self.feedEnvironment(feed)) { $1 }
            try await Self.deploy(Self.manifest("BTC-USDT"), environment)
            try await client.query(PostgresQuery(unsafeSQL: """
                CREATE FUNCTION third_order_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.client_order_id LIKE '%000000000003' THEN \(trouble.trigger); END IF;
                    RETURN NEW;
                END $$
                """))
            try await client.query("CREATE TRIGGER third_order_row BEFORE INSERT ON trades FOR EACH ROW EXECUTE FUNCTION third_order_row()")
            let host = try ChildProcess(HostEndToEndTests.runtime, ["run", "--demo"], environment: environment,
                                        directory: PluginTestSupport.packageRoot)
            try await Wait.until("five orders of the strategy at OKX", within: .minutes(3)) {
                try Self.orderCount(okx, host: host) >= 5
            }
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0, "\(host.output.suffix(3_000))")
            let sent: [String] = okx.snapshot { Array($0.orders.values) }.map(\.clOrdId)
            #expect(!sent.contains { $0.hasSuffix("000000000003") }, "\(sent.sorted())")
            #expect(try await SQLTestQueries.strings(client, "SELECT status FROM trades WHERE client_order_id LIKE '%000000000003'")
                    == trouble.finalRows)
            #expect(host.output.contains(trouble.logged), "\(host.output.suffix(3_000))")
        }
    }

    /// Every way a demo or live start can be wrong fails before the first order, with a message
    /// that names what to fix and a non-zero status.
    @Test func demoAndLiveRefuseWhatIsWrongBeforeTrading() async throws {
        try await ScratchDatabase.with { database, _ in
            let liveAccount = OKXTestAccount(apiKey: "live-key-e2e", secret: "live-secret-e2e-0123456789", passphrase: "live pass", isDemo: false)
            let (okx, _) = try await Self.exchange(trading: "BTC-USDT", accounts: [Self.account, liveAccount])
            defer { Task { try? await okx.shutdown() } }
            let base = Self.environment(database, okx, keys: [:])
            try await Self.deploy(Self.manifest("BTC-USDT"), base)
            try await Self.deploy(Self.manifest("BTC-USDT").replacingOccurrences(of: "name: storm_demo", with: "name: storm_live")
                .replacingOccurrences(of: "mode: paper", with: "mode: live"), base)
            func refused(_ arguments: [String], _ environment: [String: String], strategy: String = "storm_demo",
                         saying expected: String) async throws {
                let result = try await HostEndToEndTests.run(["run"] + arguments + ["--strategies", strategy, "--duration", "30s"],
                                                             environment: environment)
                #expect(result.status != 0 && result.output.contains(expected), "\(arguments): \(result.output.suffix(2_000))")
            }
            try await refused(["--demo"], base, saying: "OKX_DEMO_API_KEY")
            try await refused(["--demo"], base.merging(Self.keys(liveAccount, prefix: "OKX_DEMO_")) { $1 }, saying: "50101")
            try await refused(["--demo"], base.merging(Self.keys(Self.account, prefix: "OKX_DEMO_")) { $1 }
                .merging(["OKX_REST_URL": "http://127.0.0.1:9"]) { $1 }, saying: "cannot reach OKX at http://127.0.0.1:9")
            try await refused(["--live"], base.merging(Self.keys(liveAccount, prefix: "OKX_")) { $1 }, saying: "--yes-i-mean-live")
            try await refused(["--live", "--yes-i-mean-live"], base.merging(Self.keys(liveAccount, prefix: "OKX_")) { $1 },
                              saying: "not deployed for live trading: storm_demo")
            try await refused(["--live", "--yes-i-mean-live"], base.merging(Self.keys(Self.account, prefix: "OKX_")) { $1 }, strategy: "storm_live",
                              saying: "50101")
            try await refused(["--demo", "--synthetic"], base, saying: "--synthetic")
            let orders: Int = okx.snapshot { $0.orders.count }
            #expect(orders == 0, "nothing reached OKX's order book")
        }
    }

    /// The fake OKX private server trading `symbol` (from config/instruments.yaml), with a book
    /// deep enough for every market order the strategy sends.
    static func exchange(trading symbol: String, accounts: [OKXTestAccount] = [account]) async throws -> (OKXPrivateTestServer, Instrument) {
        let catalog = try InstrumentCatalog.load(contentsOf: PluginTestSupport.packageRoot.appendingPathComponent("config/instruments.yaml"))
        let instrument = try catalog.instrument(try InstrumentId(parsing: symbol))
        let okx = try await OKXPrivateTestServer.start(script: OKXPrivateScript(accounts: accounts, instruments: [instrument]))
        try await okx.feed(.book(BookUpdate(
            instrument: instrument.id, channel: .books5, action: .snapshot,
            bids: [BookLevel(price: try Price(parsing: "29999.9"), size: try Quantity(parsing: "50"), orderCount: 1)],
            asks: [BookLevel(price: try Price(parsing: "30000.1"), size: try Quantity(parsing: "50"), orderCount: 1)], timestamp: .zero)))
        return (okx, instrument)
    }

    /// A public feed of ``frames(_:count:interval:)`` for `symbol`, served in real time.
    static func feed(_ symbol: String) async throws -> OKXTestServer {
        try await OKXTestServer.start(script: OKXTestScript(frames: frames(symbol, count: 6_000, interval: 50), interval: .milliseconds(50)))
    }

    static func feedEnvironment(_ feed: OKXTestServer) -> [String: String] {
        ["OKX_WS_PUBLIC_URL": feed.publicURL, "OKX_WS_BUSINESS_URL": feed.businessURL]
    }

    /// The database and the fake OKX's addresses, with `keys`.
    static func environment(_ database: ScratchDatabase, _ okx: OKXPrivateTestServer, keys: [String: String]) -> [String: String] {
        ["DATABASE_URL": database.target.url(), "OKX_REST_URL": okx.restBaseURL, "OKX_WS_PRIVATE_URL": okx.privateWebSocketURL]
            .merging(keys) { $1 }
    }

    /// `account`'s keys under `prefix` (`OKX_DEMO_` or `OKX_`).
    static func keys(_ account: OKXTestAccount, prefix: String) -> [String: String] {
        [prefix + "API_KEY": account.apiKey, prefix + "API_SECRET": account.secret, prefix + "API_PASSPHRASE": account.passphrase]
    }

    /// Deploys `manifest` with the CLI.
    static func deploy(_ manifest: String, _ environment: [String: String]) async throws {
        let path = try PluginTestSupport.scratchDirectory("demo") + "/manifest.yaml"
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let deploy = try await HostEndToEndTests.run(["deploy", path], environment: environment)
        #expect(deploy.status == 0, "deploy failed: \(deploy.output)")
    }

    /// A count from the database, while `host` runs.
    static func count(_ client: PostgresClient, _ sql: String, host: ChildProcess) async throws -> Int {
        guard host.isRunning else { throw HostExited(log: host.output) }
        return try await SQLTestQueries.count(client, sql)
    }

    /// An order's status in the trades table (nil before its row exists), while `host` runs.
    static func status(of clientOrderId: String, client: PostgresClient, host: ChildProcess) async throws -> String? {
        guard host.isRunning else { throw HostExited(log: host.output) }
        return try await SQLTestQueries.strings(client, "SELECT status FROM trades WHERE client_order_id = '\(clientOrderId)'").first
    }

    /// The orders at the fake OKX, while `host` runs.
    static func orderCount(_ okx: OKXPrivateTestServer, host: ChildProcess) throws -> Int {
        guard host.isRunning else { throw HostExited(log: host.output) }
        return okx.snapshot { $0.orders.count }
    }

    /// The fills the fake OKX has made, while `host` runs.
    static func fillCount(_ okx: OKXPrivateTestServer, host: ChildProcess) throws -> Int {
        guard host.isRunning else { throw HostExited(log: host.output) }
        return okx.snapshot { $0.fills.count }
    }

    /// The client id of the newest order at OKX once it has more than `count`; empty before.
    static func newestOrder(of okx: OKXPrivateTestServer, after count: Int, host: ChildProcess) throws -> String {
        guard host.isRunning else { throw HostExited(log: host.output) }
        let orders: [OKXTestOrder] = okx.snapshot { Array($0.orders.values) }
        guard orders.count > count else { return "" }
        return orders.max { $0.createdAt < $1.createdAt }?.clOrdId ?? ""
    }

    /// OKX's order state as the trades row names it (`live` and `partially_filled` are open).
    static func status(ofOKXState state: String) -> String {
        switch state {
        case "live", "partially_filled": "open"
        case "canceled", "mmp_canceled": "cancelled"
        default: state
        }
    }

    struct HostExited: Error, CustomStringConvertible {
        var log: String
        var description: String { "the host exited:\n\(log.suffix(4_000))" }
    }
}
