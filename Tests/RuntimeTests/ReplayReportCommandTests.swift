import Foundation
import struct Storage.ScratchDatabase
import TestSupport
import Testing

/// `runtime replay --report` and `--json` statistics, persisted and with `--no-persist`, and a
/// replay without trades.
@Suite(.watchdog) struct ReplayReportCommandTests {
    @Test func replayWritesAReportAndItsStatisticsWithAndWithoutPersistence() async throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let path = try BooklessReplayTests.candleRecording(bars, name: "report-cli")
        let quiet = try BooklessReplayTests.candleRecording(Array(bars.prefix(10)), name: "report-cli-quiet")
        let folder = try PluginTestSupport.scratchDirectory("report-cli-out")
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(try BooklessReplayTests.manifestText("sma_crossover", onCandlesAs: "sma_bars"), client: client)
            try await OperatorTestSupport.addCommandLineOperator(client: client)
            let environment = ["DATABASE_URL": database.target.url(), "RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory]

            let unpersisted = try await HostEndToEndTests.run(["replay", path, "--no-persist", "--json", "--report", folder + "/a.html"],
                                                              environment: environment)
            #expect(unpersisted.status == 0, "\(unpersisted.output)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(unpersisted.standardOutput.utf8)) as? [String: Any])
            let statistics = try #require(json["statistics"] as? [String: [String: Any]], "\(unpersisted.standardOutput)")
            #expect(Set(statistics.keys) == ["total", "sma_bars"])
            let total = try #require(statistics["total"])
            #expect((total["trades"] as? Int ?? 0) > 0 && total["net_pnl"] is String && total["return_period"] as? String == "minute")
            for key in ["sharpe", "sortino", "calmar", "max_drawdown", "max_drawdown_duration_s", "win_rate", "profit_factor",
                        "average_win", "average_loss", "exposure", "fees", "total_return", "annualized_return"] {
                #expect(total.keys.contains(key), "no \(key) in \(total)")
            }
            let page = try String(contentsOfFile: folder + "/a.html", encoding: .utf8)
            #expect(page.contains("<svg") && page.contains("sma_bars") && !page.contains(#"id="no-trades""#))

            let persisted = try await HostEndToEndTests.run(["replay", path, "--report", folder + "/b.html"], environment: environment)
            #expect(persisted.status == 0 && persisted.output.contains("sma_bars: net PnL"), "\(persisted.output)")
            #expect(FileManager.default.fileExists(atPath: folder + "/b.html"))

            // Ten bars are fewer than the slow average needs: no trade, and a page that says so.
            let none = try await HostEndToEndTests.run(["replay", quiet, "--no-persist", "--report", folder + "/none.html"], environment: environment)
            #expect(none.status == 0, "\(none.output)")
            let empty = try String(contentsOfFile: folder + "/none.html", encoding: .utf8)
            #expect(empty.contains(#"id="no-trades""#) && empty.contains("<svg"))

            for (target, says) in [("/nonexistent-folder/r.html", "--report: the folder /nonexistent-folder does not exist"),
                                   (folder, "--report: \(folder) is a directory")] {
                let refused = try await HostEndToEndTests.run(["replay", path, "--no-persist", "--report", target], environment: environment)
                #expect(refused.status != 0 && refused.output.contains(says), "\(refused.output)")
            }
        }
    }
}
