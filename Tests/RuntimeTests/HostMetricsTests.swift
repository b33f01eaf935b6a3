import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MarketData
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// /metrics as a Prometheus server scrapes it: a paper host trades a synthetic market into a
/// scratch database while its metrics server (the one `host.metrics_port` starts) is scraped over
/// HTTP; the text is Prometheus' format, the figures are the engine's, and the names and types
/// are exactly those docs/metrics.md documents.
@Suite(.watchdog) struct HostMetricsTests {
    /// One scrape: its content type and body.
    static func scrape(_ port: Int) async throws -> (contentType: String?, body: String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        return (http.value(forHTTPHeaderField: "Content-Type"), String(decoding: data, as: UTF8.self))
    }

    @Test func aRunningHostsMetricsAreScrapedOverHTTPAndEveryNameIsDocumented() async throws {
        try await ScratchDatabase.with { database, client in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            let settings = try PaperRestartTests.settings()
            let plan = try await PaperRestartTests.plan(client, target: database.target)
            let metrics = HostMetrics()
            let server = try await MetricsServer.start(port: 0, registry: metrics.registry, logger: Logger(label: "test.metrics"))
            let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 5, start: WallClock.now(),
                                         stepNanoseconds: PaperRestartTests.stepNanoseconds)
            let session = HostSession(engine: plan.engine, persistence: plan.persistence,
                                      feed: SyntheticFeed(market: market, steps: 5_000), liveFeed: nil,
                                      target: database.target, settings: settings, strategies: plan.strategies,
                                      metrics: metrics, logger: Logger(label: "test.metrics"))
            let summary = await session.run()
            await plan.releaseLocks()

            let (contentType, text) = try await Self.scrape(server.port)
            await server.stop()
            #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true, "\(contentType ?? "no content type")")
            let exposition = try PrometheusText(text)
            #expect(summary.events > 0 && summary.fills > 0)
            #expect(exposition.value("ea_okx_events_total") == Double(summary.events), "\(text)")
            #expect(exposition.value("ea_okx_fills_total") == Double(summary.fills))
            #expect(exposition.value("ea_okx_orders_total") == Double(summary.orders))
            #expect(exposition.value("ea_okx_feed_connected") == 1)
            #expect(exposition.value(#"ea_okx_strategy_fills_total{strategy="market_maker"}"#) == Double(summary.fills))
            #expect(exposition.value(#"ea_okx_strategy_state{strategy="market_maker",state="active"}"#) == 1, "\(text)")
            #expect(exposition.value(#"ea_okx_strategy_state{strategy="market_maker",state="halted"}"#) == 0)
            #expect(exposition.value("ea_okx_trading_written_total").map { $0 > 0 } == true)
            // The stopped host's last sample in system_metrics (what `runtime status` shows) is taken
            // after the final flush: nothing left queued, every trading row counted.
            let lastSample = try await SQLTestQueries.strings(client, """
                SELECT DISTINCT ON (metric_name) metric_name || '=' || metric_value::bigint FROM system_metrics
                WHERE metric_category = 'writer' ORDER BY metric_name, "timestamp" DESC
                """)
            #expect(lastSample.contains("trading_queue_depth=0") && lastSample.contains("market_queue_depth=0"), "\(lastSample)")
            #expect(lastSample.contains("trading_written_total=\(plan.persistence.trading.statistics.written - 1)"),
                    "\(lastSample); the writer wrote \(plan.persistence.trading.statistics.written) rows, the stopped heartbeat last")

            let documented = try MetricsDoc.load()
            #expect(exposition.types == documented, """
                emitted but not documented: \(exposition.types.filter { documented[$0.key] != $0.value })
                documented but not emitted: \(documented.filter { exposition.types[$0.key] != $0.value })
                """)
        }
    }

    /// `runtime run --web`: the console's server answers /metrics with the running host's
    /// figures, and the host opens no metrics port of its own (one HTTP server).
    @Test func besideRunWebTheConsolesServerServesTheHostsMetrics() async throws {
        try await ScratchDatabase.with { database, client in
            let environment = ["DATABASE_URL": database.target.url()]
            let manifest = PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path
            let deploy = try await HostEndToEndTests.run(["deploy", manifest], environment: environment)
            #expect(deploy.status == 0, "deploy failed: \(deploy.output)")
            let host = try ChildProcess(HostEndToEndTests.runtime, ["run", "--paper", "--synthetic", "--web", "127.0.0.1:0"],
                                        environment: environment, directory: PluginTestSupport.packageRoot)
            let announced = try await Wait.until("the console to announce its address", { host.output }, satisfies: {
                $0.contains("runtime: console at http://127.0.0.1:")
            })
            let port = try #require(announced.components(separatedBy: "runtime: console at http://127.0.0.1:").last
                .flatMap { Int($0.prefix { $0.isNumber }) }, "no port in: \(announced)")
            let events = try await Wait.until("the synthetic market's events in /metrics", {
                try PrometheusText(try await Self.scrape(port).body).value("ea_okx_events_total") ?? 0
            }, satisfies: { $0 > 0 })
            #expect(events > 0)
            host.signal(SIGTERM)
            let status = try await host.waitForExit()
            #expect(status == 0, "host log:\n\(host.output)")
            #expect(!host.output.contains("metrics served"), "the host opened its own metrics port beside the console:\n\(host.output)")
        }
    }

    @Test func theMetricsServerAnswersOnlyMetricsAndReleasesItsPort() async throws {
        let metrics = HostMetrics()
        let server = try await MetricsServer.start(port: 0, registry: metrics.registry, logger: Logger(label: "test.metrics"))
        let port = server.port
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/other"))
        let (_, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 404)
        await server.stop()
        // The same port again: the first server let go of it.
        let again = try await MetricsServer.start(port: port, registry: metrics.registry, logger: Logger(label: "test.metrics"))
        #expect(again.port == port)
        await again.stop()
    }
}

/// What a scrape says: each metric family's type (`# TYPE` lines) and each series' value.
struct PrometheusText {
    var types: [String: String] = [:]
    var values: [String: Double] = [:]

    /// Parses the text format, refusing a line that is neither a comment nor `series value`.
    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ")
                guard words.count == 4 else { throw ParseError(line: String(line)) }
                types[String(words[2])] = String(words[3])
            } else if !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                    throw ParseError(line: String(line))
                }
                values[String(line[..<space])] = value
            }
        }
    }

    func value(_ series: String) -> Double? { values[series] }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus' text format: '\(line)'" }
    }
}

/// docs/metrics.md's tables: metric name to type.
enum MetricsDoc {
    static func load() throws -> [String: String] {
        let path = PluginTestSupport.packageRoot.appendingPathComponent("docs/metrics.md").path
        var types: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where line.hasPrefix("| `ea_okx_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            types[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return types
    }
}
