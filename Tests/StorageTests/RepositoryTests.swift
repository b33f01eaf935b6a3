import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct RepositoryTests {
    private func fp(_ text: String) throws -> FixedPoint { try FixedPoint(parsing: text) }

    @Test func tradesAndPositionsRoundTripExactly() async throws {
        try await ScratchDatabase.with { _, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(
                name: "exact", strategyType: "grid", version: "1.0", parameters: #"{"levels": 5}"#, symbols: ["BTC-USDT-SWAP"],
                status: .active, allocatedCapital: Money(try fp("10000.5")), maxLeverage: try fp("3")))
            #expect(try await StrategyRepository(client).activeNames() == ["exact"])
            let instrument = try InstrumentId(parsing: "BTC-USDT-SWAP")
            let created = Timestamp.utc(2026, 11, 20, 9)
            let trade = TradeRecord(
                venueOrderId: VenueOrderId("paper-1"), clientOrderId: ClientOrderId("c-exact"), strategyId: strategyId, instrument: instrument,
                side: .sell, orderType: .limit, positionSide: .short, quantity: Quantity(try fp("0.000000000001")),
                price: Price(try fp("98765432109876.543210987654")), avgFillPrice: Price(try fp("98765432109876.5")),
                filledQuantity: Quantity(try fp("0.000000000001")), commission: Money(try fp("-0.000000000003")), commissionAsset: "USDT",
                realizedPnl: Money(try fp("-12345.678901234567")), slippageBps: -3, status: .filled, createdAt: created,
                submittedAt: Timestamp(nanosecondsSinceEpoch: created.nanosecondsSinceEpoch + 1_234_000), firstFillAt: nil,
                completedAt: Timestamp(nanosecondsSinceEpoch: created.nanosecondsSinceEpoch + 5_000_000), latencyMs: 1, totalLatencyMs: 5, mode: .paper)
            let position = PositionRecord(strategyId: strategyId, instrument: instrument, side: .short, quantity: Quantity(try fp("0.000000000001")),
                                          avgEntryPrice: Price(try fp("98765432109876.5")), unrealizedPnl: Money(try fp("-0.5")),
                                          realizedPnl: Money(try fp("1.25")), leverage: try fp("3"), openedAt: created, lastUpdated: created, mode: .paper)
            try await client.withTransaction(logger: storageQueryLogger) { connection in
                try await TradeRepository(connection).upsert(trade)
                try await PositionRepository(connection).upsert(position)
            }
            let read = try await TradeRepository(client).trades(statuses: [.filled], from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21))
            #expect(read == [trade])
            #expect(try await TradeRepository(client).trades(statuses: [.submitted], from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21)).isEmpty)
            #expect(try await TradeRepository(client).trades(from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21), mode: .live).isEmpty)
            #expect(try await PositionRepository(client).positions(strategyId: strategyId) == [position])
            // The same position in another mode is another row.
            var live = position
            live.id = UUID()
            live.mode = .live
            try await PositionRepository(client).upsert(live)
            #expect(try await PositionRepository(client).positions(mode: .paper) == [position])
        }
    }

    @Test func riskEventsByStateAndSeverity() async throws {
        try await ScratchDatabase.with { _, client in
            let users = UserRepository(client)
            let officer = UserRecord(username: "officer", email: "o@example.com", role: .riskOfficer)
            try await users.insert(officer)
            #expect(try await users.user(named: "officer") == officer)
            let repository = RiskEventRepository(client)
            let time = Timestamp.utc(2026, 11, 20, 9)
            let warning = try await repository.insert(RiskEventRecord(eventType: "order_rate", severity: .warning, description: "rate",
                                                                      metricName: "orders_per_second", metricValue: try fp("12.5"),
                                                                      thresholdValue: try fp("10"), actionTaken: "rejected", createdAt: time, mode: .paper))
            try await repository.insert(RiskEventRecord(eventType: "kill_switch", severity: .critical, description: "halt", createdAt: time, mode: nil))
            #expect(try await repository.events(severities: [.critical], acknowledged: false).map(\.eventType) == ["kill_switch"])
            #expect(try await repository.acknowledge(id: warning, by: officer.id, at: Timestamp.utc(2026, 11, 20, 10)))
            #expect(try await !repository.acknowledge(id: warning, by: officer.id, at: Timestamp.utc(2026, 11, 20, 10)))
            let acknowledged = try await repository.events(acknowledged: true)
            #expect(acknowledged.count == 1)
            #expect(acknowledged.first?.metricValue == (try fp("12.5")))
            #expect(acknowledged.first?.acknowledgedBy == officer.id)
            #expect(try await repository.events(acknowledged: false).count == 1)

            let audit = AuditLogRepository(client)
            try await audit.insert(AuditLogRecord(userId: officer.id, action: "acknowledge", resourceType: "risk_event", resourceId: "\(warning)",
                                                  oldValue: #"{"acknowledged": false}"#, newValue: #"{"acknowledged": true}"#,
                                                  ipAddress: "127.0.0.1", createdAt: time))
            let records = try await audit.records(resourceType: "risk_event")
            #expect(records.first?.ipAddress == "127.0.0.1")
            #expect(records.first?.newValue == #"{"acknowledged": true}"#)
        }
    }

    @Test func hostsAndDailyPerformance() async throws {
        try await ScratchDatabase.with { _, client in
            let start = Timestamp.utc(2026, 11, 20, 9)
            var host = HostRecord(hostName: "box", processId: 42, mode: .paper, strategies: ["a", "b"], startedAt: start, lastHeartbeat: start)
            try await HostRepository(client).upsert(host)
            host.lastHeartbeat = Timestamp.utc(2026, 11, 20, 10)
            host.feedConnected = true
            host.messageRate = try fp("1234.5")
            host.reconnects = 2
            try await HostRepository(client).upsert(host)
            #expect(try await HostRepository(client).hosts() == [host])

            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "p", strategyType: "t", version: "1", symbols: ["BTC-USDT"]))
            let record = StrategyPerformanceRecord(strategyId: strategyId, day: Timestamp.utc(2026, 11, 20, 13), mode: .replay, totalTrades: 4,
                                                   winningTrades: 3, losingTrades: 1, totalPnl: Money(try fp("10.5")), totalCommission: Money(try fp("0.4")),
                                                   netPnl: Money(try fp("10.1")), returnPct: try fp("0.00105"), sharpeRatio: try fp("1.5"),
                                                   maxDrawdown: try fp("0.02"), winRate: try fp("0.75"), avgWin: Money(try fp("4")),
                                                   avgLoss: Money(try fp("-1.5")), profitFactor: try fp("8"), totalVolume: Money(try fp("40000")))
            let repository = PerformanceRepository(client)
            try await repository.upsert(record)
            try await repository.upsert(record) // upsert, not duplicate
            var expected = record
            expected.day = Timestamp.utc(2026, 11, 20)
            #expect(try await repository.daily(from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21)) == [expected])
        }
    }
}
