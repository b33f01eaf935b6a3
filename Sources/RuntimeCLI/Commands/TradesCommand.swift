import ArgumentParser
import RuntimeHost
import TradingCore

struct TradesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trades",
        abstract: "List orders and their fills, newest first, each marked live, demo, paper or replay.",
        discussion: "Times are ISO 8601 (2026-11-25T14:00:00Z, 2026-11-25) or epoch milliseconds; the range is [--from, --to)."
    )

    @Option(name: .long, help: "Only this strategy (by name).")
    var strategy: String?

    @Option(name: .long, help: "Only these statuses, comma-separated (pending, submitted, partially_filled, filled, cancelled, rejected, failed).")
    var status: String?

    @Option(name: .long, help: "Only this mode: live, demo, paper or replay.")
    var mode: String?

    @Option(name: .long, help: "Created at or after this time.")
    var from: String?

    @Option(name: .long, help: "Created before this time.")
    var to: String?

    @Option(name: .long, parsing: .unconditional, help: "At most this many orders (1-10000).")
    var limit: Int = 50

    @Flag(name: .long, help: "Print a JSON array (amounts as decimal strings).")
    var json = false

    func validate() throws { _ = try filter() }

    func filter() throws -> TradesView.Filter {
        try ViewCommandSupport.check { () throws(ViewOptionError) in
            let range = try ViewOptions.range(from: from, to: to, defaultFrom: nil, defaultTo: nil)
            return TradesView.Filter(
                strategy: strategy, statuses: try status.map { text throws(ViewOptionError) in try ViewOptions.statuses(text) } ?? [],
                mode: try mode.map { text throws(ViewOptionError) in try ViewOptions.mode(text) }, from: range.from, to: range.to,
                limit: try ViewOptions.count(limit, option: "--limit", maximum: 10_000))
        }
    }

    func run() async throws {
        let filter = try filter()
        let view = try await ViewCommandSupport.withDatabase(json: json) { _, client in try await TradesView.read(client, filter: filter) }
        if json {
            print(view.json.jsonText)
            return
        }
        if view.rows.isEmpty {
            print("no trades match")
            return
        }
        var table = TextTable("CREATED", "MODE", "STRATEGY", "INSTRUMENT", "SIDE", "TYPE", "QTY", "PRICE", "FILLED", "AVG FILL",
                              "FEE", "FEE CCY", "REALIZED", "STATUS", "CLIENT ORDER ID")
        for row in view.rows {
            let t = row.trade
            table.add(row: [t.createdAt.description, t.mode.rawValue, row.strategy, t.instrument.symbol, t.side.rawValue,
                            t.orderType.rawValue, t.quantity.description, ViewCommandSupport.cell(t.price?.value),
                            t.filledQuantity.description, ViewCommandSupport.cell(t.avgFillPrice?.value), t.commission.description,
                            t.commissionAsset ?? "-", ViewCommandSupport.cell(t.realizedPnl?.value),
                            t.status.rawValue + (t.rejectReason.map { " (\($0))" } ?? ""), t.clientOrderId.rawValue])
        }
        print(table.render())
        print("\(view.rows.count) order(s), newest first" + (view.rows.count == filter.limit ? " (limit reached; use --limit or --from/--to)" : ""))
    }
}
