import ArgumentParser
import RuntimeHost
import TradingCore

struct CandlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candles",
        abstract: "Show stored bars of one instrument: 1m exchange candles, or 5m/1h/1d rollups built from ticks.",
        discussion: "1m reads market_ohlcv; 5m, 1h and 1d read market_ohlcv_5m, _1h and _1d. Times are ISO 8601 or epoch milliseconds; the range is [--from, --to)."
    )

    @Argument(help: "The instrument, e.g. BTC-USDT or BTC-USDT-SWAP.")
    var instrument: String

    @Option(name: .long, help: "1m, 5m, 1h or 1d.")
    var interval: String

    @Option(name: .long, help: "First bar's open time (inclusive).")
    var from: String

    @Option(name: .long, help: "End of the range (exclusive).")
    var to: String

    @Flag(name: .long, help: "Print one JSON object (prices as decimal strings).")
    var json = false

    func validate() throws { _ = try parsed() }

    func parsed() throws -> (InstrumentId, CandlesView.Interval, Timestamp, Timestamp) {
        try ViewCommandSupport.check { () throws(ViewOptionError) in
            let id = try CandlesView.instrument(instrument)
            let bar = try CandlesView.Interval.parse(interval)
            let range = try ViewOptions.range(from: from, to: to, defaultFrom: nil, defaultTo: nil)
            guard let start = range.from, let end = range.to else {
                throw ViewOptionError(option: "--from", value: from, reason: "both --from and --to are required")
            }
            return (id, bar, start, end)
        }
    }

    func run() async throws {
        let (id, bar, start, end) = try parsed()
        let view = try await ViewCommandSupport.withDatabase(json: json) { _, client in
            try await CandlesView.read(client, instrument: id, interval: bar, from: start, to: end)
        }
        if json {
            print(view.json.jsonText)
            return
        }
        if view.bars.isEmpty {
            print("no \(bar.rawValue) bars of \(id.symbol) in [\(start), \(end)) in \(view.source)"
                  + (bar == .oneMinute ? "" : " (rollups are built from stored ticks by the maintenance job)"))
            return
        }
        var table = TextTable("OPEN TIME", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME", "QUOTE VOLUME", "TRADES", "VWAP")
        for b in view.bars {
            table.add(row: [b.openTime.description, b.open.description, b.high.description, b.low.description, b.close.description,
                            b.volume.description, ViewCommandSupport.cell(b.quoteVolume), b.tradeCount.map(String.init) ?? "-",
                            ViewCommandSupport.cell(b.vwap?.value)])
        }
        print(table.render())
        print("\(view.bars.count) \(bar.rawValue) bar(s) of \(id.symbol) from \(view.source) (market data: not tied to a trading mode)")
    }
}
