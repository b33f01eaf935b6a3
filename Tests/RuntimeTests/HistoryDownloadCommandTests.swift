import Foundation
import History
import OKXTestServer
import PostgresNIO
import Storage
import TestSupport
import Testing

/// `runtime history download` as a user runs it, against a local HTTP server serving OKX REST
/// pages of real trades and candles built from them (OKX_REST_URL points the binary at it): bad
/// options refused, a killed download resumed to the same bytes, the output replayed, `--into-db`.
@Suite(.watchdog) struct HistoryDownloadCommandTests {
    static let runtime = HostEndToEndTests.runtime
    static let instrument = "BTC-USDT"

    static func trades(limit: Int = .max) throws -> [OKXRestScript.TradeRow] {
        let url = PluginTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/market/binance_spot_btcusdt_trades_2024-08-08T2354Z_to_2024-08-09T0005Z.csv")
        return OKXRestFixtures.trades(csv: try String(contentsOf: url, encoding: .utf8), limit: limit)
    }

    static func script(holdFrom: Int? = nil) throws -> OKXRestScript {
        let trades = try Self.trades()
        return OKXRestScript(candles: [instrument: ["1s": OKXRestFixtures.candles(from: trades, seconds: 1),
                                                    "1m": OKXRestFixtures.candles(from: trades, seconds: 60)]],
                             trades: [instrument: Array(trades.prefix(3_000))], holdFrom: holdFrom)
    }

    /// The span of the served candles: from the first bar to the end of the last.
    static func candleRange(_ script: OKXRestScript, bar: String, seconds: Int64) throws -> (from: String, to: String, count: Int) {
        let rows = try #require(script.candles[instrument]?[bar])
        let first = try #require(rows.first.flatMap { Int64($0[0]) }), last = try #require(rows.last.flatMap { Int64($0[0]) })
        return (String(first), String(last + seconds * 1000), rows.count)
    }

    static func download(_ arguments: [String], server: OKXRestTestServer, environment: [String: String] = [:]) async throws
        -> (status: Int32, output: String, standardOutput: String) {
        try await ChildProcess.run(runtime, ["history", "download", "--inst", instrument] + arguments,
                                   environment: environment.merging(["OKX_REST_URL": server.baseURL]) { $1 },
                                   directory: PluginTestSupport.packageRoot)
    }

    @Test func badOptionsAreRefusedNamingTheOption() async throws {
        let folder = try PluginTestSupport.scratchDirectory("history-bad-options")
        let out = folder + "/out.jsonl"
        let cases: [([String], String)] = [
            (["--inst", "BTC-USDT", "--bar", "7m", "--from", "2024-01-01", "--to", "2024-03-01", "--out", out], "--bar '7m'"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-03-01", "--to", "2024-01-01", "--out", out], "--from (2024-03-01T00:00:00Z) must be before --to"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-01-01", "--to", "2024-01-01", "--out", out], "must be before --to"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-13-01", "--to", "2024-03-01", "--out", out], "--from '2024-13-01': not a date"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-01-01", "--to", "soon", "--out", out], "--to 'soon': not a date"),
            (["--inst", "BTC/USDT", "--bar", "1m", "--from", "2024-01-01", "--to", "2024-03-01", "--out", out], "--inst 'BTC/USDT'"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-01-01", "--to", "2024-03-01", "--out", folder + "/missing/out.jsonl"], "does not exist"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--from", "2024-01-01", "--to", "2024-03-01", "--out", folder], "is a directory"),
            (["--inst", "BTC-USDT", "--from", "2024-01-01", "--to", "2024-03-01", "--out", out], "--bar BAR for candles or --trades"),
            (["--inst", "BTC-USDT", "--bar", "1m", "--trades", "--from", "2024-01-01", "--to", "2024-03-01", "--out", out], "exclude each other"),
        ]
        for (arguments, reason) in cases {
            let result = try await ChildProcess.run(Self.runtime, ["history", "download"] + arguments,
                                                    environment: ["OKX_REST_URL": "http://127.0.0.1:9"], directory: PluginTestSupport.packageRoot)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.output.contains(reason), "\(arguments): \(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written for a refused download")
    }

    @Test func anOKXErrorStopsTheDownloadNamingInstrumentRequestAndCode() async throws {
        let script = try Self.script()
        let range = try Self.candleRange(script, bar: "1m", seconds: 60)
        let server = try await OKXRestTestServer.start(script: script)
        defer { Task { try? await server.shutdown() } }
        let out = try PluginTestSupport.scratchDirectory("history-okx-error") + "/out.jsonl"
        let result = try await ChildProcess.run(Self.runtime, ["history", "download", "--inst", "ETH-USDT", "--bar", "1m", "--from", range.from,
                                                               "--to", range.to, "--out", out],
                                                environment: ["OKX_REST_URL": server.baseURL], directory: PluginTestSupport.packageRoot)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("history download: stopped: ETH-USDT: GET /api/v5/market/history-candles?instId=ETH-USDT&bar=1m"), "\(result.output)")
        #expect(result.output.contains("OKX code 51001: Instrument ID does not exist"), "\(result.output)")
    }

    @Test func aKilledDownloadResumesToTheSameFile() async throws {
        let script = try Self.script()
        let range = try Self.candleRange(script, bar: "1s", seconds: 1)
        let server = try await OKXRestTestServer.start(script: script)
        defer { Task { try? await server.shutdown() } }
        // The killed download's server answers three pages and then none, so the kill lands part
        // way however fast or slow the machine.
        var holding = script
        holding.holdFrom = 4
        let stalling = try await OKXRestTestServer.start(script: holding)
        defer { Task { try? await stalling.shutdown() } }
        let folder = try PluginTestSupport.scratchDirectory("history-kill")
        let whole = folder + "/whole.jsonl", killed = folder + "/killed.jsonl"
        let options = ["--bar", "1s", "--from", range.from, "--to", range.to]
        let uninterrupted = try await Self.download(options + ["--out", whole], server: server)
        #expect(uninterrupted.status == 0, "\(uninterrupted.output)")
        #expect(uninterrupted.standardOutput.contains("downloaded \(range.count) candle1s candles"), "\(uninterrupted.output)")

        let child = try ChildProcess(Self.runtime, ["history", "download", "--inst", Self.instrument] + options + ["--out", killed],
                                     environment: ["OKX_REST_URL": stalling.baseURL], directory: PluginTestSupport.packageRoot)
        try await Wait.until("the download to write a few segments") {
            ((try? String(contentsOfFile: killed, encoding: .utf8)) ?? "").split(separator: "\n").count >= 150
        }
        child.signal(SIGKILL)
        _ = try await child.waitForExit()
        let partial = try String(contentsOfFile: killed, encoding: .utf8).split(separator: "\n").count
        #expect(partial < range.count, "killed before the end")
        let resumed = try await Self.download(options + ["--out", killed], server: server)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.standardOutput.contains("resumed after"), "\(resumed.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: killed)) == Data(contentsOf: URL(fileURLWithPath: whole)))
    }

    @Test func theDownloadedFilesReplayAndGoIntoTheDatabase() async throws {
        let script = try Self.script()
        let seconds = try Self.candleRange(script, bar: "1s", seconds: 1)
        let minutes = try Self.candleRange(script, bar: "1m", seconds: 60)
        let trades = try #require(script.trades[Self.instrument])
        let tradeFrom = try #require(trades.first?.time), tradeTo = try #require(trades.last?.time) + 1
        let server = try await OKXRestTestServer.start(script: script)
        defer { Task { try? await server.shutdown() } }
        let folder = try PluginTestSupport.scratchDirectory("history-replay")
        try await ScratchDatabase.with { database, client in
            // A replay needs a deployed strategy: the shipped SMA crossover on trades, and the same on
            // one-second candles, the way a quant points a strategy at bar history.
            try await OperatorTestSupport.deploy(try BooklessReplayTests.manifestText("sma_crossover"), client: client)
            try await OperatorTestSupport.deploy(try BooklessReplayTests.manifestText("sma_crossover", onCandlesAs: "sma_bars"), client: client)
            try await OperatorTestSupport.addCommandLineOperator(client: client)
            let environment = ["DATABASE_URL": database.target.url(), "RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory]
            let candles = try await Self.download(["--bar", "1s", "--from", seconds.from, "--to", seconds.to, "--out", folder + "/candles.jsonl"], server: server)
            #expect(candles.status == 0, "\(candles.output)")
            let tradeFile = try await Self.download(["--trades", "--from", String(tradeFrom), "--to", String(tradeTo), "--out", folder + "/trades.jsonl"],
                                                    server: server)
            #expect(tradeFile.status == 0, "\(tradeFile.output)")
            let replayCandles = try await HostEndToEndTests.run(["replay", "--no-persist", "--strategies", "sma_bars", folder + "/candles.jsonl"], environment: environment)
            #expect(replayCandles.status == 0, "\(replayCandles.output)")
            #expect(replayCandles.output.contains("events: 0 trades, 0 tickers, \(seconds.count) candles, 0 books; decode errors 0"), "\(replayCandles.output)")
            let replayTrades = try await HostEndToEndTests.run(["replay", "--no-persist", "--strategies", "sma_crossover", folder + "/trades.jsonl"], environment: environment)
            #expect(replayTrades.status == 0, "\(replayTrades.output)")
            #expect(replayTrades.output.contains("events: \(trades.count) trades, 0 tickers, 0 candles, 0 books; decode errors 0"), "\(replayTrades.output)")

            let intoCandles = try await Self.download(["--bar", "1m", "--from", minutes.from, "--to", minutes.to, "--out", folder + "/minutes.jsonl", "--into-db"],
                                                      server: server, environment: environment)
            #expect(intoCandles.status == 0, "\(intoCandles.output)")
            let intoTrades = try await Self.download(["--trades", "--from", String(tradeFrom), "--to", String(tradeTo), "--out", folder + "/ticks.jsonl", "--into-db"],
                                                     server: server, environment: environment)
            #expect(intoTrades.status == 0, "\(intoTrades.output)")
            let bars = try await SQLTestQueries.strings(client, "SELECT count(*)::text FROM market_ohlcv WHERE symbol = 'BTC-USDT' AND interval = '1m'")
            #expect(bars == [String(minutes.count)])
            let ticks = try await SQLTestQueries.strings(client, "SELECT count(*)::text FROM market_ticks WHERE symbol = 'BTC-USDT'")
            #expect(ticks == [String(trades.count)])
        }
    }
}
