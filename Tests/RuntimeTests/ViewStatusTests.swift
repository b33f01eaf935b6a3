import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

@Suite("Status view", .watchdog)
struct ViewStatusTests {
    typealias F = ViewFixtures

    @Test("a host is DOWN when its heartbeat is older than 15 s and it has not stopped")
    func hostLiveness() {
        let started = F.now.advanced(byNanoseconds: -600 * F.second)
        func host(heartbeatAgo seconds: Int64, stopped: Bool = false) -> HostRecord {
            HostRecord(hostName: "h", processId: 1, mode: .paper, strategies: [], startedAt: started,
                       lastHeartbeat: F.now.advanced(byNanoseconds: -seconds * F.second), stoppedAt: stopped ? F.now : nil)
        }
        #expect(HostLiveness.of(host(heartbeatAgo: 2), now: F.now) == .running)
        #expect(HostLiveness.of(host(heartbeatAgo: 15), now: F.now) == .running)
        #expect(HostLiveness.of(host(heartbeatAgo: 16), now: F.now) == .down)
        #expect(HostLiveness.of(host(heartbeatAgo: 300, stopped: true), now: F.now) == .stopped)
    }

    @Test("status assembles today's figures per strategy, unacknowledged risk, hosts, data quality and writers")
    func assemblesTheReport() async throws {
        try await ScratchDatabase.with { _, client in
            let alpha = try await F.strategy("alpha", on: client)
            let beta = try await F.strategy("beta", status: .paused, symbols: ["ETH-USDT", "BTC-USDT-SWAP"], on: client)
            // alpha today: two paper fills (+12.5, -2.25), one live fill (+1), one cancelled order, one fill yesterday.
            try await F.trade("a1", strategy: alpha, mode: .paper, pnl: "12.5", on: client)
            try await F.trade("a2", strategy: alpha, mode: .paper, pnl: "-2.25", on: client)
            try await F.trade("a3", strategy: alpha, mode: .live, pnl: "1", on: client)
            try await F.trade("a4", strategy: alpha, mode: .paper, pnl: nil, filled: false, on: client)
            try await F.trade("a5", strategy: alpha, mode: .paper, pnl: "100", offset: -F.day, on: client)
            try await F.trade("b1", strategy: beta, mode: .replay, pnl: nil, on: client)

            let position = PositionRecord(strategyId: alpha, instrument: try F.instrument("BTC-USDT"), side: .net, quantity: Quantity(F.n("0.5")),
                                          avgEntryPrice: Price(F.n("100")), currentPrice: Price(F.n("104")),
                                          unrealizedPnl: Money(F.n("2")), openedAt: F.now, lastUpdated: F.now, mode: .paper)
            try await PositionRepository(client).upsert(position)
            var flat = position
            flat.id = UUID(); flat.instrument = try F.instrument("ETH-USDT"); flat.quantity = .zero; flat.unrealizedPnl = .zero
            try await PositionRepository(client).upsert(flat)

            let risk = RiskEventRepository(client)
            for _ in 0..<2 {
                try await risk.insert(RiskEventRecord(eventType: "order_rejected", severity: .warning, strategyId: alpha,
                                                      description: "too big", createdAt: F.now, mode: .paper))
            }
            let admin = UserRecord(username: "admin", email: "admin@example.com", role: .admin)
            try await UserRepository(client).insert(admin)
            let acked = try await risk.insert(RiskEventRecord(eventType: "order_rejected", severity: .warning, strategyId: beta,
                                                              description: "x", createdAt: F.now, mode: .paper))
            try await risk.acknowledge(id: acked, by: admin.id, at: F.now)
            try await risk.insert(RiskEventRecord(eventType: "kill_switch", severity: .emergency, description: "halt all",
                                                  createdAt: F.now, mode: nil))

            let started = F.now.advanced(byNanoseconds: -3_600 * F.second)
            let hosts = HostRepository(client)
            try await hosts.upsert(HostRecord(hostName: "fresh", processId: 10, mode: .paper, strategies: ["alpha"], startedAt: started,
                                              lastHeartbeat: F.now.advanced(byNanoseconds: -3 * F.second), feedConnected: true,
                                              feedLagMs: 40, messageRate: F.n("120.5"), reconnects: 1))
            try await hosts.upsert(HostRecord(hostName: "stale", processId: 11, mode: .live, strategies: ["beta"], startedAt: started,
                                              lastHeartbeat: F.now.advanced(byNanoseconds: -60 * F.second)))
            try await hosts.upsert(HostRecord(hostName: "gone", processId: 12, mode: .paper, strategies: [], startedAt: started,
                                              lastHeartbeat: F.now.advanced(byNanoseconds: -600 * F.second),
                                              stoppedAt: F.now.advanced(byNanoseconds: -600 * F.second)))

            let metrics = SystemMetricRepository(client)
            let btcStale = #"{"instrument":"BTC-USDT","reason":"stale"}"#
            for (offset, value) in [(-7_200, "3"), (-60, "4")] {
                try await metrics.insert(SystemMetricRecord(timestamp: F.now.advanced(byNanoseconds: Int64(offset) * F.second),
                                                            category: "data_quality", name: "events_rejected", value: F.n(value), tags: btcStale))
            }
            try await metrics.insert(SystemMetricRecord(timestamp: F.now.advanced(byNanoseconds: -F.day), category: "data_quality",
                                                        name: "events_rejected", value: F.n("50"), tags: btcStale))
            try await metrics.insert(SystemMetricRecord(timestamp: F.now.advanced(byNanoseconds: -60 * F.second), category: "data_quality",
                                                        name: "events_checked", value: F.n("1000"), tags: #"{"instrument":"BTC-USDT"}"#))
            for (offset, value) in [(-30, "17"), (-5, "9")] {
                try await metrics.insert(SystemMetricRecord(timestamp: F.now.advanced(byNanoseconds: Int64(offset) * F.second),
                                                            category: "writer", name: "market_queue_depth", value: F.n(value)))
            }
            try await metrics.insert(SystemMetricRecord(timestamp: F.now.advanced(byNanoseconds: -5 * F.second), category: "writer",
                                                        name: "market_dropped", value: F.n("0")))

            let report = try await StatusReader(client, target: "scratch").read(now: F.now)

            #expect(report.database.flavor != nil)
            let byName = Dictionary(uniqueKeysWithValues: report.hosts.map { ($0.record.hostName, $0) })
            #expect(byName["fresh"]?.liveness == .running)
            #expect(byName["stale"]?.liveness == .down)
            #expect(byName["gone"]?.liveness == .stopped)
            #expect(byName["fresh"]?.record.messageRate == (F.n("120.5")))

            let a = try #require(report.strategies.first { $0.name == "alpha" })
            let b = try #require(report.strategies.first { $0.name == "beta" })
            #expect(a.mode == .paper)  // from the running host holding it
            #expect(a.tradeCountToday(mode: .paper) == 2)
            #expect(a.realizedPnlToday(mode: .paper) == Money(F.n("10.25")))
            #expect(a.tradeCountToday(mode: .live) == 1)
            #expect(a.realizedPnlToday(mode: .live) == Money(F.n("1")))
            #expect(a.positions.count == 1)
            #expect(a.unrealizedPnl() == Money(F.n("2")))
            #expect(a.unacknowledgedRiskEvents == 2)
            #expect(b.status == .paused)
            #expect(b.instruments == ["ETH-USDT", "BTC-USDT-SWAP"])
            #expect(b.tradeCountToday() == 1)
            #expect(b.today.first?.mode == .replay)
            #expect(b.unacknowledgedRiskEvents == 0)
            #expect(report.unacknowledgedGlobalRiskEvents == 1)

            let rejected = report.dataQuality.first { $0.name == "events_rejected" && $0.instrument == "BTC-USDT" && $0.reason == "stale" }
            #expect(rejected?.total == (F.n("7")))
            #expect(report.dataQuality.first { $0.name == "events_checked" }?.total == (F.n("1000")))
            #expect(report.writer.first { $0.name == "market_queue_depth" }?.value == (F.n("9")))
            #expect(report.writer.count == 2)
        }
    }

    @Test("status JSON holds amounts as decimal strings and marks every position and day with its mode; unrealized_pnl is the strategy's own mode's")
    func jsonAmountsAreStrings() async throws {
        try await ScratchDatabase.with { _, client in
            let alpha = try await F.strategy("alpha", status: .paperTrading, on: client)
            try await F.trade("a1", strategy: alpha, mode: .paper, pnl: "0.000000000001", on: client)
            try await PositionRepository(client).upsert(PositionRecord(
                strategyId: alpha, instrument: try F.instrument("BTC-USDT"), side: .net, quantity: Quantity(F.n("1.5")),
                avgEntryPrice: Price(F.n("99999.1")), unrealizedPnl: Money(F.n("-3.75")), openedAt: F.now, lastUpdated: F.now, mode: .paper))
            // A replay of the same strategy left a position of its own: listed, not added in.
            try await PositionRepository(client).upsert(PositionRecord(
                strategyId: alpha, instrument: try F.instrument("ETH-USDT"), side: .net, quantity: Quantity(F.n("2")),
                avgEntryPrice: Price(F.n("3000")), unrealizedPnl: Money(F.n("500")), openedAt: F.now, lastUpdated: F.now, mode: .replay))
            let report = try await StatusReader(client, target: "scratch").read(now: F.now)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.jsonText.utf8)) as? [String: Any])
            let strategies = try #require(object["strategies"] as? [[String: Any]])
            let alphaJSON = try #require(strategies.first)
            let today = try #require((alphaJSON["today"] as? [[String: Any]])?.first)
            #expect(today["realized_pnl"] as? String == "0.000000000001")
            #expect(today["mode"] as? String == "paper")
            let positions = try #require(alphaJSON["positions"] as? [[String: Any]])
            #expect(Set(positions.compactMap { $0["mode"] as? String }) == ["paper", "replay"])
            let position = try #require(positions.first { $0["mode"] as? String == "paper" })
            #expect(position["quantity"] as? String == "1.5")
            #expect(position["avg_entry_price"] as? String == "99999.1")
            #expect(position["unrealized_pnl"] as? String == "-3.75")
            #expect(position["mode"] as? String == "paper")
            #expect(alphaJSON["unrealized_pnl"] as? String == "-3.75")
            #expect((object["database"] as? [String: Any])?["reachable"] as? Bool == true)
        }
    }
}
