import Analytics
import Foundation
import Logging
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// `runtime sweep`: parameter grammar, the grid, and a sweep of 12 combinations of the shipped
/// SMA crossover over the fixture data (one-second bars of real BTC-USDT trades).
@Suite(.watchdog) struct ParameterSweepTests {
    static func values(_ text: String) throws -> [String] { try SweepParameter(parsing: text).values }

    static func refusal(_ text: String) -> String? {
        do {
            _ = try SweepParameter(parsing: text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func listsAndRangesOfIntegersAndDecimals() throws {
        #expect(try Self.values("fast_period=5,10,20") == ["5", "10", "20"])
        #expect(try Self.values("slow_period=20..60:10") == ["20", "30", "40", "50", "60"])
        #expect(try Self.values("x=0.1..0.3:0.1") == ["0.1", "0.2", "0.3"], "exact in fixed point, no 0.30000000000000004")
        #expect(try Self.values("x=1..2:0.4") == ["1", "1.4", "1.8"], "the upper end only when a step lands on it")
        #expect(try Self.values("allow_short=true,false") == ["true", "false"])
        #expect(SweepParameter.parameterValue("5") == .number("5") && SweepParameter.parameterValue("true") == .bool(true)
                && SweepParameter.parameterValue("candles") == .string("candles"))
    }

    @Test func badParametersAreRefusedNamingTheOption() {
        for (text, says) in [("fast_period", "expected name=a,b,c"), ("=1,2", "name must be"), ("x=", "no values"),
                             ("x=1,,2", "empty value"), ("x=1..5:0", "step must be above 0"), ("x=1..5", "expected lo..hi:step"),
                             ("x=5..1:1", "range is empty"), ("x=a..b:1", "expected lo..hi:step"), ("x=1,1", "listed twice"),
                             ("x=0..100000:1", "more than 1000 values")] {
            let message = Self.refusal(text)
            #expect(message?.contains("--param") == true && message?.contains(says) == true, "\(text): \(message ?? "accepted")")
        }
        #expect(throws: SweepParameterError.self) {
            try SweepGrid([SweepParameter(name: "a", values: (0..<100).map(String.init)), SweepParameter(name: "b", values: (0..<11).map(String.init))])
        }
        #expect(throws: SweepParameterError.self) { try SweepGrid([SweepParameter(name: "a", values: ["1"]), SweepParameter(name: "a", values: ["2"])]) }
        #expect(throws: SweepParameterError.self) { try SweepGrid([]) }
    }

    @Test func theGridIsTheCartesianProductLastParameterFastest() throws {
        let grid = try SweepGrid([SweepParameter(name: "a", values: ["1", "2"]), SweepParameter(name: "b", values: ["x", "y", "z"])])
        #expect(grid.combinations.map { $0.map(\.value).joined() } == ["1x", "1y", "1z", "2x", "2y", "2z"])
    }

    /// fast 3, 5, 8 × slow 5, 10, 15, 20: 12 combinations, of which (5, 5) and (8, 5) break the
    /// strategy's own rule (slow > fast).
    static func fixtureSweep() throws -> (ParameterSweep, String) {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let path = try BooklessReplayTests.candleRecording(bars, name: "sweep")
        let manifest = try ManifestParser.parse(try BooklessReplayTests.manifestText("sma_crossover", onCandlesAs: "sma_bars"))
        let grid = try SweepGrid([try SweepParameter(parsing: "fast_period=3,5,8"), try SweepParameter(parsing: "slow_period=5..20:5")])
        let settings = try HostSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path)
        let sweep = try ParameterSweep(manifest: manifest, grid: grid, files: [path], settings: settings, catalog: PluginTestSupport.catalog,
                                       pluginSearchPaths: [PluginTestSupport.binDirectory])
        return (sweep, path)
    }

    @Test func aSweepOfTwelveCombinationsRanksRefusesAndRepeatsItself() async throws {
        let (sweep, _) = try Self.fixtureSweep()
        #expect(sweep.grid.combinations.count == 12)
        let logger = Logger(label: "test.sweep")
        let results = await sweep.run(logger: logger)
        #expect(results.map(\.index) == Array(0..<12), "grid order")
        let refused = results.filter { if case .refused = $0.outcome { true } else { false } }
        #expect(refused.map { $0.parameters.map(\.value) } == [["5", "5"], ["8", "5"]])
        for result in refused {
            guard case .refused(let reason) = result.outcome else { continue }
            #expect(reason.contains("parameters.slow_period") && reason.contains("must be greater than fast_period"), "\(reason)")
        }
        let ran = results.compactMap(\.statistics)
        #expect(ran.count == 10)
        #expect(ran.contains { $0.trades > 0 }, "the fixture bars make the crossover trade")
        #expect(!results.contains { if case .failed = $0.outcome { true } else { false } })

        let bySharpe = SweepSortKey.sharpe.rank(results)
        let sharpes = bySharpe.prefix(10).map { $0.statistics?.sharpe ?? -.infinity }
        #expect(sharpes == sharpes.sorted(by: >))
        #expect(bySharpe.suffix(2).allSatisfy { $0.statistics == nil }, "refused rows last")
        let byPnl = SweepSortKey.netPnl.rank(results).prefix(10).compactMap { $0.statistics?.netPnl }
        #expect(byPnl == byPnl.sorted(by: >))
        let byDrawdown = SweepSortKey.maxDrawdown.rank(results).prefix(10).compactMap { $0.statistics?.maxDrawdown }
        #expect(byDrawdown == byDrawdown.sorted())

        // Same inputs, same table, whatever order the parallel replays finished in.
        let again = await sweep.run(logger: logger)
        #expect(again == results)
        // One at a time gives the same as in parallel.
        var serial = sweep
        serial.concurrency = 1
        #expect(await serial.run(logger: logger) == results)
    }

    @Test func anUnknownParameterIsRefusedBeforeAnythingRuns() throws {
        let (sweep, path) = try Self.fixtureSweep()
        let grid = try SweepGrid([try SweepParameter(parsing: "fats_period=3,5")])
        #expect {
            _ = try ParameterSweep(manifest: sweep.manifest, grid: grid, files: [path], settings: sweep.settings, catalog: sweep.catalog,
                                   pluginSearchPaths: sweep.pluginSearchPaths)
        } throws: { error in
            "\(error)".contains("--param fats_period") && "\(error)".contains("fast_period")
        }
    }

    /// The command line: a ranked JSON table, the same twice, and bad input refused with status 1.
    @Test func runtimeSweepPrintsARankedTableAndRefusesBadInput() async throws {
        let (_, path) = try Self.fixtureSweep()
        let folder = try PluginTestSupport.scratchDirectory("sweep-cli")
        let manifest = folder + "/sma_bars.yaml"
        try BooklessReplayTests.manifestText("sma_crossover", onCandlesAs: "sma_bars").write(toFile: manifest, atomically: true, encoding: .utf8)
        let environment = ["RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory]
        let arguments = ["sweep", manifest, path, "--param", "fast_period=3,5,8", "--param", "slow_period=5..20:5", "--sort", "net_pnl"]
        let first = try await HostEndToEndTests.run(arguments + ["--json", "--report", folder + "/sweep.html"], environment: environment)
        #expect(first.status == 0, "\(first.output)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [[String: Any]], "\(first.output)")
        #expect(rows.count == 12)
        #expect(rows.filter { $0["status"] as? String == "refused" }.count == 2)
        let html = try String(contentsOfFile: folder + "/sweep.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == 12)
        let second = try await HostEndToEndTests.run(arguments + ["--json"], environment: environment)
        #expect(second.standardOutput == first.standardOutput)
        let text = try await HostEndToEndTests.run(arguments, environment: environment)
        #expect(text.status == 0 && text.standardOutput.contains("refused: parameters.slow_period"), "\(text.output)")
        #expect(text.standardOutput.contains("12 combinations, 10 replayed, 2 refused"), "\(text.output)")

        for (bad, says) in [(["--param", "fast_period=1..5:0"], "--param fast_period=1..5:0: the step must be above 0"),
                            (["--param", "fast_period"], "--param 'fast_period'"),
                            (["--param", "nope=1,2"], "--param nope: "),
                            (["--param", "fast_period=1..1000:1", "--param", "slow_period=1..1000:1"], "more than 1000 combinations"),
                            (["--param", "fast_period=3", "--sort", "calmar"], "--sort must be one of"),
                            (["--param", "fast_period=3", "--report", "/nonexistent-folder/x.html"], "--report: the folder /nonexistent-folder"),
                            (["--param", "fast_period=abc,def"], "the strategy refused every combination; nothing was replayed")] {
            let refused = try await HostEndToEndTests.run(["sweep", manifest, path] + bad, environment: environment)
            #expect(refused.status != 0 && refused.output.contains(says), "\(bad): \(refused.output)")
        }
    }
}
