import ArgumentParser
import RuntimeHost
import TradingCore

struct PositionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "positions",
        abstract: "List open positions per strategy, each marked live, demo, paper or replay, with unrealized PnL."
    )

    @Option(name: .long, help: "Only this strategy (by name).")
    var strategy: String?

    @Option(name: .long, help: "Only this mode: live, demo, paper or replay.")
    var mode: String?

    @Flag(name: .long, help: "Also list flat positions (quantity 0) with their realized PnL.")
    var all = false

    @Flag(name: .long, help: "Print a JSON array (amounts as decimal strings).")
    var json = false

    func validate() throws { _ = try parsedMode() }

    func parsedMode() throws -> TradingMode? {
        try ViewCommandSupport.check { () throws(ViewOptionError) in try mode.map { text throws(ViewOptionError) in try ViewOptions.mode(text) } }
    }

    func run() async throws {
        let mode = try parsedMode()
        let view = try await ViewCommandSupport.withDatabase(json: json) { [strategy, all] _, client in
            try await PositionsView.read(client, strategy: strategy, mode: mode, includeFlat: all)
        }
        if json {
            print(view.json.jsonText)
            return
        }
        if view.rows.isEmpty {
            print(all ? "no positions" : "no open positions")
            return
        }
        var table = TextTable("STRATEGY", "MODE", "INSTRUMENT", "SIDE", "QUANTITY", "AVG ENTRY", "PRICE", "UNREALIZED", "REALIZED",
                              "LEVERAGE", "LIQ PRICE", "UPDATED")
        for row in view.rows {
            let p = row.position
            table.add(row: [row.strategy, p.mode.rawValue, p.instrument.symbol, p.side.rawValue, p.quantity.description,
                            p.avgEntryPrice.description, ViewCommandSupport.cell(p.currentPrice?.value), p.unrealizedPnl.description,
                            p.realizedPnl.description, ViewCommandSupport.cell(p.leverage), ViewCommandSupport.cell(p.liquidationPrice?.value),
                            p.lastUpdated.description])
        }
        print(table.render())
    }
}
