import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

/// Every constraint of the seed's schema rejects a bad row at the server, and Storage's
/// pre-validation refuses the same rows before sending them.
@Suite(.watchdog) struct ConstraintTests {
    static let userId = "00000000-0000-0000-0000-0000000000a1"
    static let strategyId = "00000000-0000-0000-0000-0000000000b1"

    static let setup = [
        "INSERT INTO users (id, username, email, role) VALUES ('\(userId)', 'alice', 'alice@example.com', 'admin')",
        "INSERT INTO strategies (id, name, strategy_type, version, symbols) VALUES ('\(strategyId)', 'grid-1', 'grid', '1.0', '{BTC-USDT}')",
        "INSERT INTO trades (client_order_id, okx_order_id, strategy_id, symbol, side, order_type, quantity, price, status, mode) VALUES ('c-1', 'o-1', '\(strategyId)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'submitted', 'paper')",
        "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES ('\(strategyId)', 'BTC-USDT', 'long', 1, 100, 'paper')",
        "INSERT INTO strategy_performance (strategy_id, date, mode) VALUES ('\(strategyId)', '2026-01-01', 'paper')",
        "INSERT INTO market_ohlcv (symbol, interval, timestamp, open, high, low, close, volume) VALUES ('BTC-USDT', '1m', '2026-01-01', 10, 12, 9, 11, 5)",
        "INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', '2026-01-01', 't-1', 10, 1, 'buy')",
    ]

    /// (what, statement, expected SQLSTATE): 23514 check, 23505 unique, 23503 foreign key, 23502 not null, 22P02 bad text.
    static let badRows: [(String, String, String)] = {
        let s = strategyId
        let trade = "INSERT INTO trades (client_order_id, strategy_id, symbol, side, order_type, quantity, price, status, mode, filled_quantity, okx_order_id, reject_reason, position_side) VALUES"
        let ohlcv = "INSERT INTO market_ohlcv (symbol, interval, timestamp, open, high, low, close, volume) VALUES"
        return [
            ("users.role", "INSERT INTO users (username, email, role) VALUES ('bob', 'bob@example.com', 'god')", "23514"),
            ("users.username unique", "INSERT INTO users (username, email) VALUES ('alice', 'other@example.com')", "23505"),
            ("users.email unique", "INSERT INTO users (username, email) VALUES ('bob', 'alice@example.com')", "23505"),
            ("users.email format", "INSERT INTO users (username, email) VALUES ('bob', 'no-at-sign')", "23514"),
            ("strategies.status", "INSERT INTO strategies (name, strategy_type, version, symbols, status) VALUES ('x', 't', '1', '{A-B}', 'running')", "23514"),
            ("strategies.name unique", "INSERT INTO strategies (name, strategy_type, version, symbols) VALUES ('grid-1', 't', '1', '{A-B}')", "23505"),
            ("strategies.allocated_capital >= 0", "INSERT INTO strategies (name, strategy_type, version, symbols, allocated_capital) VALUES ('x', 't', '1', '{A-B}', -1)", "23514"),
            ("strategies.max_leverage > 0", "INSERT INTO strategies (name, strategy_type, version, symbols, max_leverage) VALUES ('x', 't', '1', '{A-B}', 0)", "23514"),
            ("strategies.symbols not empty", "INSERT INTO strategies (name, strategy_type, version, symbols) VALUES ('x', 't', '1', '{}')", "23514"),
            ("strategies.created_by fk", "INSERT INTO strategies (name, strategy_type, version, symbols, created_by) VALUES ('x', 't', '1', '{A-B}', gen_random_uuid())", "23503"),
            ("trades.side", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'hold', 'limit', 1, 100, 'pending', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.order_type", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'stop', 1, 100, 'pending', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.position_side", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', 'paper', 0, NULL, NULL, 'up')", "23514"),
            ("trades.status", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'done', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.mode", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', 'sim', 0, NULL, NULL, NULL)", "23514"),
            ("trades.mode required", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', NULL, 0, NULL, NULL, NULL)", "23502"),
            ("trades.quantity > 0", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 0, 100, 'pending', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.price > 0", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 0, 'pending', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.filled <= quantity", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'filled', 'paper', 2, NULL, NULL, NULL)", "23514"),
            ("trades.limit needs price", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, NULL, 'pending', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.rejected needs reason", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'rejected', 'paper', 0, NULL, NULL, NULL)", "23514"),
            ("trades.client_order_id unique", "\(trade) ('c-1', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', 'paper', 0, NULL, NULL, NULL)", "23505"),
            ("trades.okx_order_id unique", "\(trade) ('c-2', '\(s)', 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', 'paper', 0, 'o-1', NULL, NULL)", "23505"),
            ("trades.strategy_id fk", "\(trade) ('c-2', gen_random_uuid(), 'BTC-USDT', 'buy', 'limit', 1, 100, 'pending', 'paper', 0, NULL, NULL, NULL)", "23503"),
            ("positions.side", "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES ('\(s)', 'ETH-USDT', 'up', 1, 1, 'paper')", "23514"),
            ("positions.quantity >= 0", "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES ('\(s)', 'ETH-USDT', 'long', -1, 1, 'paper')", "23514"),
            ("positions.avg_entry_price > 0", "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES ('\(s)', 'ETH-USDT', 'long', 1, 0, 'paper')", "23514"),
            ("positions unique per mode", "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES ('\(s)', 'BTC-USDT', 'long', 1, 1, 'paper')", "23505"),
            ("positions.strategy_id fk", "INSERT INTO positions (strategy_id, symbol, side, quantity, avg_entry_price, mode) VALUES (gen_random_uuid(), 'BTC-USDT', 'long', 1, 1, 'paper')", "23503"),
            ("strategy_performance unique", "INSERT INTO strategy_performance (strategy_id, date, mode) VALUES ('\(s)', '2026-01-01', 'paper')", "23505"),
            ("strategy_performance.win_rate <= 1", "INSERT INTO strategy_performance (strategy_id, date, mode, win_rate) VALUES ('\(s)', '2026-01-02', 'paper', 1.5)", "23514"),
            ("strategy_performance wins+losses <= total", "INSERT INTO strategy_performance (strategy_id, date, mode, total_trades, winning_trades, losing_trades) VALUES ('\(s)', '2026-01-02', 'paper', 1, 1, 1)", "23514"),
            ("risk_events.severity", "INSERT INTO risk_events (event_type, severity, description) VALUES ('x', 'bad', 'd')", "23514"),
            ("risk_events acknowledged needs time", "INSERT INTO risk_events (event_type, severity, description, acknowledged) VALUES ('x', 'info', 'd', true)", "23514"),
            ("risk_events.acknowledged_by fk", "INSERT INTO risk_events (event_type, severity, description, acknowledged, acknowledged_by, acknowledged_at) VALUES ('x', 'info', 'd', true, gen_random_uuid(), now())", "23503"),
            ("audit_logs failure needs message", "INSERT INTO audit_logs (action, resource_type, success) VALUES ('deploy', 'strategy', false)", "23514"),
            ("audit_logs.ip_address", "INSERT INTO audit_logs (action, resource_type, ip_address) VALUES ('deploy', 'strategy', 'not-an-ip')", "22P02"),
            ("market_ohlcv.interval", "\(ohlcv) ('BTC-USDT', '7m', '2026-01-02', 10, 12, 9, 11, 5)", "23514"),
            ("market_ohlcv.open > 0", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 0, 12, 9, 11, 5)", "23514"),
            ("market_ohlcv.low > 0", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 10, 12, -1, 11, 5)", "23514"),
            ("market_ohlcv.volume >= 0", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 10, 12, 9, 11, -5)", "23514"),
            ("market_ohlcv high >= open", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 13, 12, 9, 11, 5)", "23514"),
            ("market_ohlcv high >= close", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 10, 12, 9, 13, 5)", "23514"),
            ("market_ohlcv high >= low", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 10, 12, 13, 11, 5)", "23514"),
            ("market_ohlcv low <= open", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 10, 12, 10.5, 11, 5)", "23514"),
            ("market_ohlcv low <= close", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-02', 11, 12, 10.5, 10, 5)", "23514"),
            ("market_ohlcv primary key", "\(ohlcv) ('BTC-USDT', '1m', '2026-01-01', 10, 12, 9, 11, 5)", "23505"),
            ("market_ticks.price > 0", "INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', '2026-01-01', 't-2', 0, 1, 'buy')", "23514"),
            ("market_ticks.quantity > 0", "INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', '2026-01-01', 't-2', 1, 0, 'buy')", "23514"),
            ("market_ticks.side", "INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', '2026-01-01', 't-2', 1, 1, 'long')", "23514"),
            ("order_book_snapshots.depth_level", "INSERT INTO order_book_snapshots (symbol, timestamp, bids, asks, depth_level) VALUES ('BTC-USDT', now(), '[]', '[]', 'books9')", "23514"),
            ("order_book_snapshots.bids array", "INSERT INTO order_book_snapshots (symbol, timestamp, bids, asks, depth_level) VALUES ('BTC-USDT', now(), '{}', '[]', 'books5')", "23514"),
            ("system_metrics.tags object", "INSERT INTO system_metrics (timestamp, metric_category, metric_name, metric_value, tags) VALUES (now(), 'feed', 'lag', 1, '[1]')", "23514"),
            ("hosts.mode", "INSERT INTO hosts (host_name, mode) VALUES ('h', 'sim')", "23514"),
            ("hosts.reconnects >= 0", "INSERT INTO hosts (host_name, mode, reconnects) VALUES ('h', 'paper', -1)", "23514"),
        ]
    }()

    @Test func everyConstraintRejectsABadRow() async throws {
        try await ScratchDatabase.with { _, client in
            for statement in Self.setup { try await client.query(PostgresQuery(unsafeSQL: statement)) }
            for (what, statement, expected) in Self.badRows {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: statement))
                    Issue.record("\(what): the server accepted a bad row")
                } catch {
                    #expect(postgresSQLState(error) == expected, "\(what): \(postgresErrorText(error))")
                }
            }
        }
    }

    private func instrument() throws -> InstrumentId { try InstrumentId(parsing: "BTC-USDT") }
    private func price(_ text: String) throws -> Price { Price(try FixedPoint(parsing: text)) }
    private func quantity(_ text: String) throws -> Quantity { Quantity(try FixedPoint(parsing: text)) }

    private func expectRefused(_ field: String, _ body: () throws(StorageError) -> Void) {
        do {
            try body()
            Issue.record("expected \(field) to be refused")
        } catch {
            guard case .invalidRow(_, let refusedField, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(refusedField == field)
        }
    }

    @Test func preValidationRefusesWhatTheSchemaWouldRefuse() throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        let candle = Candle(instrument: try instrument(), interval: .oneMinute, openTime: now, open: try price("10"), high: try price("12"),
                            low: try price("9"), close: try price("11"), volume: try quantity("5"))
        var bad = candle; bad.high = try price("9.5")
        expectRefused("high") { () throws(StorageError) in try MarketDataRow.candle(bad).validate() }
        bad = candle; bad.low = try price("10.5")
        expectRefused("low") { () throws(StorageError) in try MarketDataRow.candle(bad).validate() }
        bad = candle; bad.open = .zero
        expectRefused("open") { () throws(StorageError) in try MarketDataRow.candle(bad).validate() }

        let tick = TradeTick(instrument: try instrument(), tradeId: TradeId("1"), price: .zero, quantity: try quantity("1"), side: .buy, timestamp: now)
        expectRefused("price") { () throws(StorageError) in try MarketDataRow.tick(tick).validate() }

        let trade = TradeRecord(clientOrderId: ClientOrderId("c"), strategyId: UUID(), instrument: try instrument(), side: .buy,
                                orderType: .limit, quantity: try quantity("1"), price: try price("100"), status: .pending, createdAt: now, mode: .paper)
        var badTrade = trade; badTrade.filledQuantity = try quantity("2")
        expectRefused("filled_quantity") { () throws(StorageError) in try badTrade.validate() }
        badTrade = trade; badTrade.price = nil
        expectRefused("price") { () throws(StorageError) in try badTrade.validate() }
        badTrade = trade; badTrade.status = .rejected
        expectRefused("reject_reason") { () throws(StorageError) in try badTrade.validate() }
        badTrade = trade; badTrade.quantity = .zero
        expectRefused("quantity") { () throws(StorageError) in try badTrade.validate() }

        let position = PositionRecord(strategyId: UUID(), instrument: try instrument(), side: .long, quantity: try quantity("1"),
                                      avgEntryPrice: .zero, openedAt: now, lastUpdated: now, mode: .paper)
        expectRefused("avg_entry_price") { () throws(StorageError) in try position.validate() }

        let event = RiskEventRecord(eventType: "daily_loss", severity: .critical, description: "d", acknowledged: true, createdAt: now, mode: .paper)
        expectRefused("acknowledged_at") { () throws(StorageError) in try event.validate() }

        let metric = SystemMetricRecord(timestamp: now, category: "feed", name: "lag", value: FixedPoint(1), tags: "[1]")
        expectRefused("tags") { () throws(StorageError) in try MarketDataRow.metric(metric).validate() }

        expectRefused("email") { () throws(StorageError) in try UserRecord(username: "bob", email: "nope", role: .viewer).validate() }
        expectRefused("symbols") { () throws(StorageError) in try StrategyRecord(name: "x", strategyType: "t", version: "1", symbols: []).validate() }

        let audit = AuditLogRecord(userId: nil, action: "deploy", resourceType: "strategy", ipAddress: "999.1.1.1", createdAt: now)
        expectRefused("ip_address") { () throws(StorageError) in try audit.validate() }

        let performance = StrategyPerformanceRecord(strategyId: UUID(), day: now, mode: .paper, totalTrades: 1, winningTrades: 1, losingTrades: 1,
                                                    totalPnl: .zero, totalCommission: .zero, netPnl: .zero, totalVolume: .zero)
        expectRefused("winning_trades") { () throws(StorageError) in try performance.validate() }
    }

    @Test func repositoriesRefuseBeforeSending() async throws {
        try await ScratchDatabase.with { _, client in
            let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
            let tick = TradeTick(instrument: try InstrumentId(parsing: "BTC-USDT"), tradeId: TradeId("1"), price: .zero,
                                 quantity: Quantity(FixedPoint(1)), side: .buy, timestamp: now)
            await #expect {
                try await MarketDataRepository(client).insertTick(tick)
            } throws: { error in
                guard case StorageError.invalidRow("market_ticks", "price", _) = error else { return false }
                return true
            }
            let rows = try await client.query("SELECT count(*)::int FROM market_ticks")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }
}
