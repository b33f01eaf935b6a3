import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Resources (issue 18 part 5). A strategy callback that never returns: Swift cannot preempt it,
/// so the host does not try to go on; its watchdog, on a thread of its own, halts the strategy in
/// the database (risk event, audit row), flushes the trading records and exits with status 3, and
/// a restart (what a supervisor does) runs the other strategies and leaves the wedged one out. A
/// shutdown that cannot finish still ends the host; dropped market rows are reported.
@Suite(.watchdog) struct HostResourceTests {
    static func wedgeManifest(how: String) -> String {
        """
        name: wedge
        plugin: Wedge
        strategy: Wedge
        version: 1.0.0
        mode: paper
        instruments: [BTC-USDT]
        channels: [trades]
        parameters:
          after_trades: 20
          how: \(how)
        allocated_capital: 1000
        risk_limits:
          max_order_quantity: 0.01
          max_position_size: 100
        """
    }

    @Test func aSpinningCallbackHaltsItsStrategyAndARestartRunsTheOthers() async throws {
        try await ScratchDatabase.with { database, client in
            let environment = ["DATABASE_URL": database.target.url()]
            let manifest = try PluginTestSupport.scratchDirectory("wedge") + "/wedge.yaml"
            try Self.wedgeManifest(how: "spin").write(toFile: manifest, atomically: true, encoding: .utf8)
            for path in [PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path, manifest] {
                let deploy = try await HostEndToEndTests.run(["deploy", path], environment: environment)
                #expect(deploy.status == 0, "\(deploy.output)")
            }

            let host = try await HostEndToEndTests.run(["run", "--paper", "--synthetic", "--duration", "5m"], environment: environment)
            #expect(host.status == 3, "exit \(host.status): \(host.output.suffix(2_000))")
            #expect(host.output.contains("wedge's trade callback has not returned"), "\(host.output.suffix(2_000))")
            let statuses = try await SQLTestQueries.strings(client, "SELECT name || ' ' || status FROM strategies ORDER BY name")
            #expect(statuses == ["sma_crossover paper_trading", "wedge halted"])
            let events = try await SQLTestQueries.strings(client, """
                SELECT e.event_type || ' ' || e.severity FROM risk_events e JOIN strategies s ON s.id = e.strategy_id WHERE s.name = 'wedge'
                """)
            #expect(events == ["callback_timeout critical"])
            let audit = try await OperatorTestSupport.auditRows(client).filter { $0.resourceId == "wedge" }.last
            #expect(audit?.action == "strategy.halt" && audit?.newValue?.contains("\"by\": \"host\"") == true, "\(String(describing: audit))")

            // The restart a supervisor does: the others trade, the wedged strategy stays out.
            let restart = try await HostEndToEndTests.run(["run", "--paper", "--synthetic", "--duration", "3s"], environment: environment)
            #expect(restart.status == 0, "\(restart.output.suffix(2_000))")
            #expect(restart.output.contains("wedge is halted because a callback never returned"), "\(restart.output.suffix(2_000))")
        }
    }

    /// A callback blocked in a system call uses no CPU; 5 s of wall time end it too, in a replay
    /// as well (which changes no status).
    @Test func aBlockedCallbackEndsAReplay() async throws {
        try await ScratchDatabase.with { database, client in
            let environment = ["DATABASE_URL": database.target.url()]
            let manifest = try PluginTestSupport.scratchDirectory("wedge-block") + "/wedge.yaml"
            try Self.wedgeManifest(how: "block").write(toFile: manifest, atomically: true, encoding: .utf8)
            #expect(try await HostEndToEndTests.run(["deploy", manifest], environment: environment).status == 0)
            let recording = PluginTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/okx/ws/trades.jsonl").path
            let replay = try await HostEndToEndTests.run(["replay", recording], environment: environment)
            #expect(replay.status == 3, "exit \(replay.status): \(replay.output.suffix(2_000))")
            #expect(replay.output.contains("has not returned after"), "\(replay.output.suffix(2_000))")
            #expect(try await SQLTestQueries.strings(client, "SELECT status FROM strategies") == ["paper_trading"])
        }
    }

    /// SIGTERM stops a host whose graceful stop cannot finish (its database went away, so the
    /// writers retry forever) within the 10 s grace and the emergency flush: exit status 1.
    @Test func aShutdownThatCannotFinishStillEndsTheHost() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        let environment = ["DATABASE_URL": target.url()]
        let deploy = try await HostEndToEndTests.run(["deploy", PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path],
                                                     environment: environment)
        #expect(deploy.status == 0, "\(deploy.output)")
        let host = try ChildProcess(HostEndToEndTests.runtime, ["run", "--paper", "--synthetic", "--duration", "10m"], environment: environment,
                                    directory: PluginTestSupport.packageRoot)
        try await Wait.until("the host running", { host.output }, satisfies: { $0.contains("host started") })
        try await cluster.stop()
        host.signal(SIGTERM)
        // Ending by the grace (not by the deadline, which only keeps a broken build from hanging) is
        // what the exit status and the message below show; this process may be too busy to time it.
        let status = try await host.waitForExit(within: .minutes(5))
        #expect(status == 1, "exit \(status): \(host.output.suffix(2_000))")
        #expect(host.output.contains("did not stop within"), "\(host.output.suffix(2_000))")
    }

    /// The queues' stated policy: market rows a full writer queue drops (the oldest) become a
    /// data_quality risk event; trading records are never dropped. A one-row queue written one row
    /// per transaction cannot keep up with the synthetic feed.
    @Test func droppedMarketRowsBecomeADataQualityRiskEvent() async throws {
        try await ScratchDatabase.with { database, client in
            let config = try PluginTestSupport.scratchDirectory("tiny-queue")
            let root = PluginTestSupport.packageRoot.appendingPathComponent("config")
            try FileManager.default.copyItem(atPath: root.appendingPathComponent("instruments.yaml").path, toPath: config + "/instruments.yaml")
            let runtime = try String(contentsOfFile: root.appendingPathComponent("runtime.yaml").path, encoding: .utf8)
                .replacingOccurrences(of: "    queue_capacity: 200000", with: "    queue_capacity: 1")
                .replacingOccurrences(of: "    batch_size: 20000", with: "    batch_size: 1")
            #expect(runtime.contains("queue_capacity: 1 "))
            try runtime.write(toFile: config + "/runtime.yaml", atomically: true, encoding: .utf8)
            let environment = ["DATABASE_URL": database.target.url(), "RUNTIME_CONFIG_DIR": config]
            let deploy = try await HostEndToEndTests.run(["deploy", PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path],
                                                         environment: environment)
            #expect(deploy.status == 0, "\(deploy.output)")
            let host = try await HostEndToEndTests.run(["run", "--paper", "--synthetic", "--duration", "6s"], environment: environment)
            #expect(host.status == 0, "\(host.output.suffix(2_000))")
            let events = try await SQLTestQueries.strings(client, """
                SELECT metric_name || ' ' || severity FROM risk_events WHERE event_type = 'data_quality' AND metric_value > 0
                """)
            #expect(!events.isEmpty && events.allSatisfy { $0 == "market_rows_dropped warning" }, "\(events)")
        }
    }
}
