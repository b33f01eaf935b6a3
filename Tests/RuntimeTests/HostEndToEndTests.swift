import Foundation
import Logging
import NIOCore
import OKXTestServer
import PostgresNIO
import Storage
import TestSupport
import Testing
import TradingCore

/// The product as a user runs it: the `runtime` binary deploys two strategies, a host trades
/// them on the paper venue against a local WebSocket server speaking OKX's protocol and serving
/// real recorded OKX frames, an operator pauses one from the CLI, SIGTERM stops the host, and
/// everything it accepted is in the database.
@Suite(.watchdog) struct HostEndToEndTests {
    static let runtime = PluginTestSupport.binDirectory + "/runtime"

    /// Runs the CLI; `output` is what it wrote to stdout and stderr, `standardOutput` stdout alone
    /// (what a script parses: log lines go to stderr).
    static func run(_ arguments: [String], environment: [String: String]) async throws
        -> (status: Int32, output: String, standardOutput: String) {
        try await ChildProcess.run(runtime, arguments, environment: environment, directory: PluginTestSupport.packageRoot)
    }

    /// Per strategy and instrument, the paper position as the positions rows hold it (signed:
    /// a one-way position that flipped keeps a flat row for the side it left).
    static let positionsBySum = """
        SELECT s.name || ' ' || p.symbol || ' ' || sum(CASE p.side WHEN 'short' THEN -p.quantity ELSE p.quantity END)::numeric(38,12)::text
        FROM positions p JOIN strategies s ON s.id = p.strategy_id WHERE p.mode = 'paper'
        GROUP BY s.name, p.symbol ORDER BY 1
        """
    /// The same from the trades rows: the signed sum of the fills (a spot buy's base-currency fee
    /// comes out of what it receives).
    static let fillsBySum = """
        SELECT s.name || ' ' || t.symbol || ' ' || sum(CASE t.side WHEN 'buy'
                THEN t.filled_quantity - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1) THEN t.commission ELSE 0 END
                ELSE -t.filled_quantity END)::numeric(38,12)::text
        FROM trades t JOIN strategies s ON s.id = t.strategy_id
        WHERE t.mode = 'paper' AND t.filled_quantity > 0 GROUP BY s.name, t.symbol ORDER BY 1
        """

    /// What `runtime positions --json` prints, one line per position like ``positionsBySum``'s
    /// rows that are not flat, with entry and realized PnL.
    static func cliPositions(_ output: String) throws -> [String] {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], "not a JSON array: \(output)")
        return try array.map { object in
            let text = { (key: String) throws -> String in try #require(object[key] as? String, "\(key) missing in \(object)") }
            return "\(try text("strategy")) \(try text("instrument")) \(try text("mode")) \(try text("side")) \(try text("quantity"))"
                + " \(try text("avg_entry_price")) \(try text("realized_pnl"))"
        }.sorted()
    }

    /// A row with its NUMERIC words (`0.002000000000`) in FixedPoint's canonical form (`0.002`),
    /// the form the CLI prints, so the two compare as text.
    static func canonical(_ row: String) -> String {
        row.split(separator: " ").map { word in
            guard word.contains("."), let value = try? FixedPoint(parsing: String(word)) else { return String(word) }
            return value.description
        }.joined(separator: " ")
    }

    @Test func hostTradesPausesAndStopsGracefully() async throws {
        try await ScratchDatabase.with { database, client in
            let server = try await OKXTestServer.start(script: OKXTestScript(frames: try OKXTestScript.restampedBTCUSDTFixtureFrames(packageRoot: PluginTestSupport.packageRoot),
                                                                             interval: .milliseconds(100)))
            defer { Task { try? await server.shutdown() } }
            let environment = ["DATABASE_URL": database.target.url(), "OKX_WS_PUBLIC_URL": server.publicURL,
                               "OKX_WS_BUSINESS_URL": server.businessURL]
            // The market maker as shipped, but on the books5 channel the recording has for BTC-USDT.
            let manifestPath = try PluginTestSupport.scratchDirectory("e2e") + "/market_maker_books5.yaml"
            let shipped = try String(contentsOfFile: PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path,
                                     encoding: .utf8)
            try shipped.replacingOccurrences(of: "  - books\n", with: "  - books5\n").write(toFile: manifestPath, atomically: true, encoding: .utf8)
            for manifest in [PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path, manifestPath] {
                let deploy = try await Self.run(["deploy", manifest], environment: environment)
                #expect(deploy.status == 0, "deploy failed: \(deploy.output)")
            }

            let host = try ChildProcess(Self.runtime, ["run", "--paper"], environment: environment, directory: PluginTestSupport.packageRoot)

            // Wait (bounded) for the host to subscribe and the server to serve every frame.
            let served = await server.wait(timeout: .minutes(5)) { $0.allFramesServed }
            #expect(served, "the host never subscribed to everything it was served: \(server.statistics)")
            try await Wait.until("the market maker's first paper fill", {
                try await SQLTestQueries.count(client, """
                    SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id
                    WHERE s.name = 'market_maker' AND t.mode = 'paper' AND t.filled_quantity > 0
                    """)
            }, satisfies: { $0 > 0 })
            let pause = try await Self.run(["pause", "sma_crossover"], environment: environment)
            #expect(pause.status == 0, "pause failed: \(pause.output)")
            try await Wait.until("the host to log that it applied the pause", { host.output.contains("operator changed a strategy") })

            host.signal(SIGTERM)
            let exitStatus = try await host.waitForExit()
            let log = host.output
            #expect(exitStatus == 0, "host log:\n\(log)")

            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM hosts WHERE stopped_at IS NOT NULL AND mode = 'paper'") == 1,
                    "host log:\n\(log)")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ticks WHERE symbol = 'BTC-USDT'") > 0)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id WHERE s.name = 'market_maker' AND t.mode = 'paper'") > 0,
                    "host log:\n\(log)")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE status IN ('pending', 'submitted', 'partially_filled') AND mode = 'paper'") == 0,
                    "the market maker's quotes are canceled when it stops")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM strategies WHERE name = 'sma_crossover' AND status = 'paused'") == 1)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM audit_logs WHERE action LIKE '%pause%'") >= 1)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM system_metrics WHERE metric_category = 'host'") > 0)

            // The host applied the pause (it learned of it by NOTIFY or, failing that, by polling).
            #expect(log.contains("operator changed a strategy"), "host log:\n\(log)")

            // Positions after the fills: every filled paper trade's strategy and instrument has
            // its position, equal to the signed sum of its fills, and `runtime positions --json`
            // shows the same holdings.
            let positions = try await SQLTestQueries.strings(client, Self.positionsBySum)
            #expect(positions.contains { $0.hasPrefix("market_maker BTC-USDT ") })
            #expect(positions == (try await SQLTestQueries.strings(client, Self.fillsBySum)))
            let cli = try await Self.run(["positions", "--json", "--mode", "paper"], environment: environment)
            #expect(cli.status == 0, "positions failed: \(cli.output)")
            let rows = try await SQLTestQueries.strings(client, """
                SELECT s.name || ' ' || p.symbol || ' ' || p.mode || ' ' || p.side || ' ' || p.quantity::text
                    || ' ' || p.avg_entry_price::text || ' ' || p.realized_pnl::text
                FROM positions p JOIN strategies s ON s.id = p.strategy_id WHERE p.mode = 'paper' AND p.quantity > 0 ORDER BY 1
                """)
            #expect(try Self.cliPositions(cli.standardOutput) == rows.map(Self.canonical).sorted(), "\(cli.output)")

            let status = try await Self.run(["status", "--json"], environment: environment)
            #expect(status.status == 0, "status failed: \(status.output)")
            #expect(status.output.contains("market_maker"))

            // No command warns that a database client was used before it ran.
            for output in [pause.output, cli.output, status.output, log] {
                #expect(!output.contains("hasn't been called yet"), "\(output)")
            }
        }
    }
}
