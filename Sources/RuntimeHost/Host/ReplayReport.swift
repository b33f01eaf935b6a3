import Analytics
import Execution
import Foundation
import TradingCore

/// The replay summary `runtime replay --json` prints: counts as numbers, amounts as decimal
/// strings (never JSON numbers, so nothing is rounded).
public struct ReplayReport: Encodable, Sendable {
    public struct Events: Encodable, Sendable {
        public var trades: Int
        public var tickers: Int
        public var candles: Int
        public var books: Int
    }

    public struct Quality: Encodable, Sendable {
        public var accepted: Int
        public var flagged: [String: Int]
        public var rejected: [String: Int]
    }

    public struct StrategyFigures: Encodable, Sendable {
        public var orders: Int
        public var trades: Int
        public var riskRejections: Int
        public var realizedPnl: String
        public var fees: String

        enum CodingKeys: String, CodingKey {
            case orders, trades, riskRejections = "risk_rejections", realizedPnl = "realized_pnl", fees
        }
    }

    /// How the paper venue priced one instrument's orders.
    public struct InstrumentFigures: Encodable, Sendable {
        /// `book`, `trades` or `candles`: the model in use at the end of the replay.
        public var fillModel: String?
        /// Fills by the model that priced them.
        public var fillsByModel: [String: Int]

        enum CodingKeys: String, CodingKey {
            case fillModel = "fill_model", fillsByModel = "fills_by_model"
        }
    }

    /// What became of the market rows a persisted replay meant to write, by reason.
    public struct MarketRows: Encodable, Sendable {
        /// Rows stored.
        public var written: Int
        /// Ticks already stored (same symbol, trade id and time).
        public var duplicates: Int
        /// Rows dropped because the writer's queue was full.
        public var droppedQueueFull: Int
        /// Rows the server or the pre-validation refused.
        public var refused: Int
        /// Rows not written because they were already past their table's retention, by table.
        public var skippedPastRetention: [String: Int]

        public init(written: Int, duplicates: Int, droppedQueueFull: Int, refused: Int, skippedPastRetention: [String: Int]) {
            self.written = written
            self.duplicates = duplicates
            self.droppedQueueFull = droppedQueueFull
            self.refused = refused
            self.skippedPastRetention = skippedPastRetention
        }

        enum CodingKeys: String, CodingKey {
            case written, duplicates, refused
            case droppedQueueFull = "dropped_queue_full", skippedPastRetention = "skipped_past_retention"
        }
    }

    public var mode: String
    public var files: [String]
    public var speed: String
    public var events: Events
    public var decodeErrors: Int
    public var quality: Quality
    public var orders: Int
    public var fills: Int
    public var riskRejections: Int
    public var venueRejections: Int
    public var bookIncidents: Int
    public var strategies: [String: StrategyFigures]
    /// How every order the venue took ended, by ``VenueOutcome`` (all outcomes, zeros included).
    public var venueOutcomes: [String: Int]
    /// Orders still open when the replay ended.
    public var openAtEnd: Int
    /// Fill model and fills per instrument a strategy trades (that the venue saw market data for).
    public var instruments: [String: InstrumentFigures]
    public var persisted: Bool
    /// The backtest statistics per strategy name and `total` (all strategies together); nil when
    /// the replay was not collected for a report.
    public var statistics: [String: PerformanceStatistics]?
    /// Nil when nothing was persisted.
    public var marketRows: MarketRows?

    enum CodingKeys: String, CodingKey {
        case mode, files, speed, events, quality, orders, fills, strategies, persisted
        case marketRows = "market_rows"
        case decodeErrors = "decode_errors", riskRejections = "risk_rejections", venueRejections = "venue_rejections"
        case bookIncidents = "book_incidents", venueOutcomes = "venue_outcomes", openAtEnd = "open_at_end", instruments
        case statistics
    }

    public init(summary: EngineSummary, files: [String], speed: ReplaySpeed, persisted: Bool, marketRows: MarketRows? = nil) {
        mode = TradingMode.replay.rawValue
        self.files = files
        self.speed = speed.description
        events = Events(trades: summary.trades, tickers: summary.tickers, candles: summary.candles, books: summary.books)
        decodeErrors = summary.decodeErrors
        quality = Quality(accepted: summary.accepted, flagged: summary.flagged, rejected: summary.rejected)
        orders = summary.orders
        fills = summary.fills
        riskRejections = summary.riskRejections
        venueRejections = summary.venueRejections
        bookIncidents = summary.bookIncidents
        strategies = Dictionary(uniqueKeysWithValues: summary.strategies.map { name, figures in
            (name.rawValue, StrategyFigures(orders: figures.orders, trades: figures.fills, riskRejections: figures.riskRejections,
                                            realizedPnl: figures.realizedPnl.description, fees: figures.fees.description))
        })
        venueOutcomes = Dictionary(uniqueKeysWithValues: VenueOutcome.allCases.map { ($0.rawValue, summary.venueOutcomes[$0] ?? 0) })
        openAtEnd = summary.openOrdersAtStop
        instruments = Dictionary(uniqueKeysWithValues: summary.instruments.map { id, figures in
            (id.description, InstrumentFigures(fillModel: figures.fillModel?.rawValue,
                                               fillsByModel: Dictionary(uniqueKeysWithValues: figures.fills.map { ($0.key.rawValue, $0.value) })))
        })
        self.persisted = persisted
        self.marketRows = marketRows
    }

    /// The human summary.
    public var text: String {
        var lines = ["replay (\(files.joined(separator: ", "))), speed \(speed), rows marked mode=replay\(persisted ? "" : ", NOT persisted")",
                     "events: \(events.trades) trades, \(events.tickers) tickers, \(events.candles) candles, \(events.books) books; decode errors \(decodeErrors)",
                     "quality: \(quality.accepted) accepted, flagged \(Self.format(quality.flagged)), rejected \(Self.format(quality.rejected))",
                     "orders \(orders), fills \(fills), risk rejections \(riskRejections), venue rejections \(venueRejections), book incidents \(bookIncidents)"]
        lines.append("venue outcomes: " + VenueOutcome.allCases.map { "\($0.label) \(venueOutcomes[$0.rawValue] ?? 0)" }
            .joined(separator: ", ") + ", still open at end \(openAtEnd)")
        for symbol in instruments.keys.sorted() {
            guard let figures = instruments[symbol] else { continue }
            let byModel = figures.fillsByModel.isEmpty ? "" : " (fills: \(Self.format(figures.fillsByModel)))"
            lines.append("  \(symbol): fill_model \(figures.fillModel ?? "none")\(byModel)")
        }
        for name in strategies.keys.sorted() {
            guard let figures = strategies[name] else { continue }
            lines.append("  \(name): \(figures.orders) orders, \(figures.trades) fills, realized PnL \(figures.realizedPnl), fees \(figures.fees), risk rejections \(figures.riskRejections)")
        }
        if let statistics {
            for name in statistics.keys.sorted(by: { ($0 == "total" ? 1 : 0, $0) < ($1 == "total" ? 1 : 0, $1) }) {
                guard let figures = statistics[name] else { continue }
                lines.append("  \(name): net PnL \(figures.netPnl), return \(Self.percent(figures.totalReturn)), Sharpe \(Self.ratio(figures.sharpe)) "
                             + "(\(figures.returnPeriod.rawValue) returns), max drawdown \(Self.percent(figures.maxDrawdown)), "
                             + "win rate \(Self.percent(figures.winRate)), \(figures.trades) trades, fees \(figures.fees)")
            }
        }
        if let rows = marketRows {
            lines.append("market rows: \(rows.written) written; not written: \(rows.duplicates) duplicates, "
                         + "\(rows.droppedQueueFull) dropped (writer queue full), \(rows.refused) refused, "
                         + "past retention \(Self.format(rows.skippedPastRetention))")
        }
        return lines.joined(separator: "\n")
    }

    private static func percent(_ fraction: Double?) -> String {
        fraction.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
    }

    private static func ratio(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }

    private static func format(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "0" : counts.keys.sorted().map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " ")
    }
}

extension ReplayReport {
    /// What the HTML report says about the replay under its title.
    public var reportFacts: [String] {
        var facts = ["Files: \(files.joined(separator: ", "))",
                     "Events: \(events.trades) trades, \(events.candles) candles, \(events.books) books, \(events.tickers) tickers; "
                         + "orders \(orders), fills \(fills), risk rejections \(riskRejections)",
                     "Mode: replay on event time\(persisted ? ", persisted" : ", not persisted"); equity includes unrealized PnL and fees"]
        for symbol in instruments.keys.sorted() {
            if let model = instruments[symbol]?.fillModel { facts.append("\(symbol): fill model \(model)") }
        }
        return facts
    }
}
