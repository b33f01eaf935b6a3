import Foundation
import MarketData
import PostgresNIO
import Storage
import TestSupport
import Testing
import TradingCore

/// A host killed with SIGKILL mid-replay leaves no trade without its position or the reverse
/// (each fill is one transaction), and the next run starts cleanly from what was written.
@Suite(.watchdog) struct CrashConsistencyTests {
    /// Signed position per strategy as the positions rows say, and as the fills in trades add up
    /// (a spot buy's base-currency fee comes out of the holding).
    static let positionsQuery = """
        SELECT s.name || ' ' || sum(CASE p.side WHEN 'short' THEN -p.quantity ELSE p.quantity END)::numeric(38,12)::text
        FROM positions p JOIN strategies s ON s.id = p.strategy_id WHERE p.mode = 'replay' GROUP BY s.name ORDER BY 1
        """
    static let fillsQuery = """
        SELECT s.name || ' ' || sum(CASE t.side WHEN 'buy'
                THEN t.filled_quantity - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1) THEN t.commission ELSE 0 END
                ELSE -t.filled_quantity END)::numeric(38,12)::text
        FROM trades t JOIN strategies s ON s.id = t.strategy_id
        WHERE t.mode = 'replay' AND t.filled_quantity > 0 GROUP BY s.name ORDER BY 1
        """

    @Test func sigkillMidReplayLeavesTradesAndPositionsConsistent() async throws {
        let phase = Phase("creating the database")
        try await ScratchDatabase.with { database, client in
            phase.enter("deploying and writing the recording")
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            try await OperatorTestSupport.addCommandLineOperator(client: client)
            let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 5,
                                         start: Timestamp(millisecondsSinceEpoch: 1_722_000_000_000))
            let recording = try PluginTestSupport.scratchDirectory("crash") + "/synthetic.jsonl"
            let frames = SyntheticFeed(market: market, steps: 100_000).frames().map(\.text)
            try (frames.joined(separator: "\n") + "\n").write(toFile: recording, atomically: true, encoding: .utf8)
            let environment = ["DATABASE_URL": database.target.url()]

            // Paced at 25x, the recording (100,000 steps of 100 ms) lasts over six minutes however
            // fast the machine and however late this test looks: as fast as possible it took a
            // minute, and on a loaded machine the test once saw the replay only after it had ended.
            let replay = try ChildProcess(HostEndToEndTests.runtime, ["replay", recording, "--speed", "25x"],
                                          environment: environment, directory: PluginTestSupport.packageRoot)
            // Kill it at its first fill (a few seconds in): the replay then has most of its recording ahead.
            try await Wait.until("a filled trade row from the replay", every: .milliseconds(20), {
                (fills: try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE filled_quantity > 0"), running: replay.isRunning)
            }, satisfies: { $0.fills > 0 || !$0.running })
            #expect(replay.isRunning, "the replay ended before it could be killed: \(replay.output)")
            replay.signal(SIGKILL)
            try await replay.waitForExit()
            phase.enter("comparing positions with fills")

            let positions = try await SQLTestQueries.strings(client, Self.positionsQuery)
            let fills = try await SQLTestQueries.strings(client, Self.fillsQuery)
            #expect(!fills.isEmpty)
            #expect(positions == fills)

            // The next run starts from what was written and finishes cleanly, the strategies, risk,
            // the venue and the portfolio agreeing after every event.
            phase.enter("rerunning the replay")
            let rerun = try await HostEndToEndTests.run(["replay", recording, "--json", "--check-invariants"], environment: environment)
            #expect(rerun.status == 0, "\(rerun.output)")
            #expect(rerun.output.contains("\"decode_errors\" : 0"))
            // Its July 2024 ticks are past retention: counted in the summary, not written.
            #expect(rerun.output.contains("\"skipped_past_retention\"") && rerun.output.contains("\"market_ticks\" :"))
            phase.enter("body done; closing the client and dropping the database")
        }
        phase.enter("done")
    }
}
