import Analytics
import Foundation
import Logging
import PostgresNIO
@testable import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// `runtime sweep --persist` (issue 19, item 4: "no persistence unless asked"): each combination
/// that runs writes its replay rows under a backtesting strategies row of its own, created by a
/// trader through migration 017's function; refused combinations and refused operators write
/// nothing.
@Suite(.watchdog) struct PersistedSweepTests {
    /// fast 3, 5 × slow 5, 10 over the fixture bars: (5, 5) is refused by the strategy, the
    /// other three run.
    static func smallSweep() throws -> (ParameterSweep, String) {
        let (fixture, path) = try ParameterSweepTests.fixtureSweep()
        let grid = try SweepGrid([try SweepParameter(parsing: "fast_period=3,5"), try SweepParameter(parsing: "slow_period=5,10")])
        let sweep = try ParameterSweep(manifest: fixture.manifest, grid: grid, files: [path], settings: fixture.settings,
                                       catalog: fixture.catalog, pluginSearchPaths: fixture.pluginSearchPaths)
        return (sweep, path)
    }

    /// The result without where it was written, to compare with a sweep that wrote nothing.
    static func unpersisted(_ result: SweepResult) -> SweepResult {
        var copy = result
        copy.strategy = nil
        return copy
    }

    /// A `--json` row's rank, parameters, status, trades and net PnL, as one line.
    static func summary(_ row: [String: Any]) -> String {
        let parameters = (row["parameters"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let statistics = row["statistics"] as? [String: Any]
        return "\(row["rank"] as? Int ?? 0) \(parameters.joined(separator: ",")) \(row["status"] as? String ?? "") "
            + "\(statistics?["trades"] as? Int ?? -1) \(statistics?["net_pnl"] as? String ?? "-")"
    }

    @Test(arguments: SchemaFlavor.allCases) func aTradersPersistedSweepWritesEachCombinationUnderItsOwnStrategy(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        let (sweep, _) = try Self.smallSweep()
        let logger = Logger(label: "test.sweep.persisted")
        let plain = await sweep.run(logger: logger)
        #expect(plain.compactMap(\.statistics).count == 3 && plain.contains { ($0.statistics?.trades ?? 0) > 0 })
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let trader = try await DatabaseRolesTests.operatorLogin("trader", .trader, client: client)
            var login = database.target
            login.username = trader
            let target = login
            // The sweep as the trader runs it: authorized as a replay, then persisted.
            func persistedSweep() async throws -> [SweepResult] {
                try await target.withClient { session in
                    let user = try await OperatorAccess(client: session).authorize(identity: trader, for: .replay, action: "runtime.sweep",
                                                                                   resourceType: "strategy", resourceId: "sma_bars")
                    return try await sweep.run(logger: logger, persistingInto: SweepPersistence(target: target, client: session, user: user,
                                                                                               logger: logger))
                }
            }
            let persisted = try await persistedSweep()
            // The same replays: writing them changes no result, only says where they went.
            #expect(persisted.map(Self.unpersisted) == plain)
            let refused = try #require(persisted.first { $0.statistics == nil })
            #expect(refused.parameters.map(\.value) == ["5", "5"] && refused.strategy == nil)

            let names = persisted.compactMap(\.strategy)
            #expect(names.count == 3 && Set(names).count == 3)
            let tags = Set(names.map { $0.split(separator: "_").dropLast().last.map(String.init) ?? "" })
            #expect(tags.count == 1, "one tag per sweep: \(names)")
            for result in persisted {
                guard let name = result.strategy, let statistics = result.statistics else { continue }
                #expect(name.hasPrefix("sma_bars_") && name.hasSuffix("_\(result.index)"), "\(name)")
                #expect(try await SQLTestQueries.strings(client, """
                    SELECT s.status || ' ' || (s.parameters ->> 'fast_period') || ' ' || (s.parameters ->> 'slow_period') || ' '
                        || (s.deployed_at IS NULL) || ' ' || u.username
                    FROM strategies s JOIN users u ON u.id = s.created_by WHERE s.name = '\(name)'
                    """) == ["backtesting \(result.parameters[0].value) \(result.parameters[1].value) true \(trader)"])
                // Every filled order is a trades row of this strategy, in replay mode.
                #expect(try await SQLTestQueries.count(client, """
                    SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id
                    WHERE s.name = '\(name)' AND t.filled_quantity > 0 AND t.mode = 'replay'
                    """) == statistics.trades, "\(name)")
                // The daily rollup counts them too (refreshed by the sweep, not left to maintenance).
                #expect(try await SQLTestQueries.count(client, """
                    SELECT coalesce(sum(d.total_trades), 0)::int8 FROM strategy_performance_daily d JOIN strategies s ON s.id = d.strategy_id
                    WHERE s.name = '\(name)' AND d.mode = 'replay'
                    """) == statistics.trades, "\(name)")
                if statistics.trades > 0 {
                    #expect(try await SQLTestQueries.count(client, """
                        SELECT count(*) FROM positions p JOIN strategies s ON s.id = p.strategy_id WHERE s.name = '\(name)' AND p.mode = 'replay'
                        """) > 0, "\(name)")
                    #expect(try await SQLTestQueries.count(client, """
                        SELECT count(*) FROM strategy_performance p JOIN strategies s ON s.id = p.strategy_id WHERE s.name = '\(name)' AND p.mode = 'replay'
                        """) > 0, "\(name)")
                }
            }
            // The risk engine's state changes in these replays are risk_events rows of replay mode;
            // their audit rows are left out (a trader may write none, and nobody did anything).
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM risk_events WHERE mode = 'replay'") > 0)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM risk_events WHERE mode IS DISTINCT FROM 'replay'") == 0)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM audit_logs WHERE user_agent LIKE 'risk-engine%'") == 0)
            // Nothing else: no row for the refused combination, no market data, no other mode.
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM strategies") == 3)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE mode <> 'replay'") == 0)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ohlcv") == 0)
            let audit = try await OperatorTestSupport.auditRows(client).filter { $0.action == "strategy.sweep" }
            #expect(audit.map(\.resourceId) == names.sorted { ($0.split(separator: "_").last.flatMap { Int($0) } ?? 0)
                                                               < ($1.split(separator: "_").last.flatMap { Int($0) } ?? 0) })
            #expect(audit.allSatisfy { $0.success && $0.user == trader })

            // A sweep's rows are records, not deployments: a host (here a replay) never loads them.
            let loaded = try await DeployedStrategies.loadEach(session: client, loader: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                                               catalog: PluginTestSupport.catalog)
            #expect(loaded.isEmpty)

            // A second sweep of the same manifest gets a tag, names and order ids of its own.
            let again = try await persistedSweep()
            #expect(again.map(Self.unpersisted) == plain)
            #expect(Set(again.compactMap(\.strategy)).isDisjoint(with: names))
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM strategies WHERE status = 'backtesting'") == 6)
            #expect(try await SQLTestQueries.count(client, "SELECT count(DISTINCT client_order_id) FROM trades")
                    == (try await SQLTestQueries.count(client, "SELECT count(*) FROM trades")))
        }
    }

    /// Names stay valid manifest names however long the manifest's, and run tags (the part of an
    /// order id that tells combinations apart) differ for every combination a sweep may have.
    @Test func namesFitAndRunTagsDifferPerCombination() {
        let long = StrategyName(String(repeating: "a", count: ManifestParser.maximumNameLength))
        let name = SweepPersistence.strategyName(manifest: long, tag: "k3x9ab", index: SweepGrid.maximumCombinations - 1)
        #expect(name.rawValue.count == ManifestParser.maximumNameLength && name.rawValue.hasSuffix("_k3x9ab_999"))
        #expect(SweepPersistence.strategyName(manifest: "sma_bars", tag: "k3x9ab", index: 2).rawValue == "sma_bars_k3x9ab_2")
        let tags = (0..<SweepGrid.maximumCombinations).map { SweepPersistence.runTag(tag: "k3x9ab", index: $0) }
        #expect(Set(tags).count == tags.count && tags.allSatisfy { $0.count == 8 && $0.hasPrefix("K3X9AB") })
        let drawn = SweepPersistence.drawTag()
        #expect(drawn.count == SweepPersistence.tagLength && drawn.allSatisfy { SweepPersistence.tagAlphabet.contains($0) })
    }

    /// A direct call of migration 017's function, as psql would make it.
    static func call(_ manifest: String, sweep: String = #"{"id": "a", "tag": "abcdef"}"#) -> String {
        "SELECT * FROM runtime_create_sweep_strategy(NULL, NULL, '\(manifest)'::jsonb, '{}', '{}', NULL, 1, '\(sweep)'::jsonb)"
    }

    /// The database itself refuses a viewer (the function checks the role, whatever the caller),
    /// and a name without the sweep's tag.
    @Test func theFunctionRefusesAViewerAndAnUntaggedName() async throws {
        try await ScratchDatabase.with { database, client in
            let viewer = try await DatabaseRolesTests.operatorLogin("viewer", .viewer, client: client)
            let trader = try await DatabaseRolesTests.operatorLogin("trader", .trader, client: client)
            let manifest = #"{"name": "x_abcdef_0", "strategy": "S", "version": "1.0.0", "plugin": "P", "instruments": ["BTC-USDT"], "allocated_capital": "1000"}"#
            try await DatabaseRolesTests.connected(database, as: viewer) { session in
                let refused = await DatabaseRolesTests.refusal(session, Self.call(manifest))
                #expect(refused?.state == "42501" && refused?.message.contains("may not replay") == true, "\(refused?.message ?? "allowed")")
            }
            try await DatabaseRolesTests.connected(database, as: trader) { session in
                let untagged = await DatabaseRolesTests.refusal(session, Self.call(manifest.replacingOccurrences(of: "x_abcdef_0", with: "x_0")))
                #expect(untagged?.state == "22023" && untagged?.message.contains("must carry the sweep's tag") == true, "\(untagged?.message ?? "allowed")")
                for try await _ in try await session.query(PostgresQuery(unsafeSQL: Self.call(manifest))) {}
                // Another sweep (another id) presenting the same tag is told so, and writes nothing.
                var refusals: [String?] = []
                for try await refusal in try await session.query(PostgresQuery(unsafeSQL: Self.call(
                    manifest.replacingOccurrences(of: "x_abcdef_0", with: "y_abcdef_0"), sweep: #"{"id": "b", "tag": "abcdef"}"#)))
                    .decode((UUID?, String?).self) { refusals.append(refusal.1) }
                #expect(refusals == ["tag_taken"])
            }
            #expect(try await SQLTestQueries.strings(client, "SELECT name || ' ' || status FROM strategies") == ["x_abcdef_0 backtesting"])
        }
    }

    /// The command line, as a trader: `--persist` prints where the rows went, `runtime trades
    /// --strategy NAME` and `runtime positions` show them; a viewer is refused before anything
    /// is written, and the refusal is audited.
    @Test func theCommandLinePersistsAsATraderAndRefusesAViewer() async throws {
        let (_, path) = try Self.smallSweep()
        let folder = try PluginTestSupport.scratchDirectory("sweep-persist")
        let manifest = folder + "/sma_bars.yaml"
        try BooklessReplayTests.manifestText("sma_crossover", onCandlesAs: "sma_bars").write(toFile: manifest, atomically: true, encoding: .utf8)
        let plugins = ["RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory]
        let arguments = ["sweep", manifest, path, "--param", "fast_period=3,5", "--param", "slow_period=5,10", "--sort", "net_pnl"]
        try await ScratchDatabase.with { database, client in
            let logins = try await OperatorIdentityTests.setUp(client, roles: [("trader", .trader), ("viewer", .viewer)])
            let trader = try #require(logins["trader"]), viewer = try #require(logins["viewer"])

            let before = try await OperatorTestSupport.snapshot(client)
            let refused = try await OperatorIdentityTests.run(arguments + ["--persist"], database, as: viewer, extra: plugins)
            #expect(refused.status == 1 && refused.output.contains("may not run replays"), "\(refused.output)")
            #expect(try await OperatorTestSupport.snapshot(client) == before, "a refused sweep wrote something")
            let refusal = try #require(try await OperatorTestSupport.auditRows(client).last)
            #expect(!refusal.success && refusal.user == viewer && refusal.action == "runtime.sweep")

            let plain = try await OperatorIdentityTests.run(arguments + ["--json"], database, as: trader, extra: plugins)
            #expect(plain.status == 0, "\(plain.output)")
            let json = try await OperatorIdentityTests.run(arguments + ["--json", "--persist"], database, as: trader, extra: plugins)
            #expect(json.status == 0, "\(json.output)")
            let plainRows = try #require(try JSONSerialization.jsonObject(with: Data(plain.standardOutput.utf8)) as? [[String: Any]])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]], "\(json.output)")
            #expect(rows.count == 4 && plainRows.count == 4)
            // The same ranking and statistics as without --persist, plus where each went.
            #expect(rows.map(Self.summary) == plainRows.map(Self.summary))
            #expect(plainRows.allSatisfy { $0["strategy"] == nil })
            let written = rows.compactMap { row -> (String, Int)? in
                guard let name = row["strategy"] as? String, let statistics = row["statistics"] as? [String: Any],
                      let trades = statistics["trades"] as? Int else { return nil }
                return (name, trades)
            }
            #expect(written.count == 3, "\(json.standardOutput)")
            #expect(rows.filter { $0["status"] as? String == "refused" }.allSatisfy { $0["strategy"] == nil })

            for (name, trades) in written {
                let listed = try await OperatorIdentityTests.run(["trades", "--strategy", name, "--json", "--limit", "10000"], database, as: trader)
                #expect(listed.status == 0, "\(listed.output)")
                let orders = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
                #expect(orders.allSatisfy { $0["strategy"] as? String == name && $0["mode"] as? String == "replay" })
                let filled = orders.filter { ($0["filled_quantity"] as? String).flatMap { Double($0) }.map { $0 > 0 } ?? false }
                #expect(filled.count == trades, "\(name)")
            }
            let positions = try await OperatorIdentityTests.run(["positions", "--all", "--mode", "replay", "--json"], database, as: trader)
            #expect(positions.status == 0, "\(positions.output)")
            let positionRows = try #require(try JSONSerialization.jsonObject(with: Data(positions.standardOutput.utf8)) as? [[String: Any]])
            let traded = Set(written.filter { $0.1 > 0 }.map(\.0))
            #expect(!traded.isEmpty && traded.isSubset(of: Set(positionRows.compactMap { $0["strategy"] as? String })), "\(positions.output)")

            // `runtime strategies` lists what hosts run: the sweep's rows only with --backtesting.
            let listed = try await OperatorIdentityTests.run(["strategies", "--json"], database, as: trader)
            #expect(listed.status == 0, "\(listed.output)")
            let deployed = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
            #expect(deployed.allSatisfy { $0["status"] as? String != "backtesting" }, "\(listed.output)")
            // Amounts as the exact decimal, without NUMERIC(38,12)'s trailing zeros.
            let capitals = deployed.compactMap { $0["allocated_capital"] as? String }
            #expect(capitals.count == deployed.count && capitals.allSatisfy { !($0.contains(".") && $0.hasSuffix("0")) }, "\(listed.output)")
            let withSweeps = try await OperatorIdentityTests.run(["strategies", "--backtesting", "--json"], database, as: trader)
            let everything = try #require(try JSONSerialization.jsonObject(with: Data(withSweeps.standardOutput.utf8)) as? [[String: Any]])
            #expect(Set(written.map(\.0)).isSubset(of: Set(everything.compactMap { $0["name"] as? String })), "\(withSweeps.output)")
            let table = try await OperatorIdentityTests.run(["strategies"], database, as: trader)
            #expect(table.status == 0 && table.standardOutput.contains("3 backtesting strategies of persisted sweeps not shown"), "\(table.output)")
            // So does `runtime status`.
            let status = try await OperatorIdentityTests.run(["status"], database, as: trader)
            #expect(status.status == 0 && status.standardOutput.contains("3 backtesting strategies of persisted sweeps not shown"), "\(status.output)")
            #expect(written.allSatisfy { !status.standardOutput.contains($0.0) }, "\(status.output)")
            for (flags, shown) in [([String](), false), (["--backtesting"], true)] {
                let report = try await OperatorIdentityTests.run(["status", "--json"] + flags, database, as: trader)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any], "\(report.output)")
                let names = Set(((object["strategies"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
                #expect(Set(written.map(\.0)).isSubset(of: names) == shown, "status --json \(flags): \(names)")
            }

            // The table says the same in words.
            let text = try await OperatorIdentityTests.run(arguments + ["--persist", "--report", folder + "/persisted.html"], database,
                                                           as: trader, extra: plugins)
            #expect(text.status == 0 && text.standardOutput.contains("strategy") && text.standardOutput.contains("sma_bars_"), "\(text.output)")
            #expect(text.standardOutput.contains("rows written with mode=replay under 3 backtesting strategies"), "\(text.output)")
            let html = try String(contentsOfFile: folder + "/persisted.html", encoding: .utf8)
            #expect(html.components(separatedBy: "rows under strategy sma_bars_").count - 1 == 3)
        }
    }
}
