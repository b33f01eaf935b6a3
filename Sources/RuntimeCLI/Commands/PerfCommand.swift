import ArgumentParser
import RuntimeHost
import TradingCore

struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Daily performance per strategy and mode (live, demo, paper, replay) over the last N UTC days.",
        discussion: """
            Closed days come from strategy_performance (the host's daily rollup). Today, until rolled up, is summed \
            from the trades and marked as partial (source trades_today).
            """
    )

    @Option(name: .long, parsing: .unconditional, help: "How many UTC days, today included (1-3660).")
    var days: Int = 7

    @Option(name: .long, help: "Only this strategy (by name).")
    var strategy: String?

    @Flag(name: .long, help: "Print a JSON array (amounts as decimal strings).")
    var json = false

    func validate() throws { _ = try ViewCommandSupport.check { () throws(ViewOptionError) in try ViewOptions.count(days, option: "--days", maximum: 3660) } }

    func run() async throws {
        let view = try await ViewCommandSupport.withDatabase(json: json) { [days, strategy] _, client in
            try await PerformanceView.read(client, days: days, strategy: strategy)
        }
        if json {
            print(view.json.jsonText)
            return
        }
        if view.rows.isEmpty {
            print("no performance in the last \(days) day(s)")
            return
        }
        var table = TextTable("DATE", "MODE", "STRATEGY", "TRADES", "WIN", "LOSS", "PNL", "FEES", "NET", "WIN RATE", "SHARPE",
                              "MAX DD", "VOLUME", "SOURCE")
        for row in view.rows {
            let r = row.record
            let rollup = row.source == .rollup
            table.add(row: [String(r.day.description.prefix(10)), r.mode.rawValue, row.strategy, String(r.totalTrades),
                            rollup ? String(r.winningTrades) : "-", rollup ? String(r.losingTrades) : "-", r.totalPnl.description,
                            r.totalCommission.description, r.netPnl.description, ViewCommandSupport.cell(r.winRate),
                            ViewCommandSupport.cell(r.sharpeRatio), ViewCommandSupport.cell(r.maxDrawdown), r.totalVolume.description,
                            rollup ? "rollup" : "today so far (trades)"])
        }
        print(table.render())
    }
}
