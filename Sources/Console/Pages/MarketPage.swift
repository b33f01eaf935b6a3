import Charts
import Foundation
import RuntimeHost
import TradingCore

/// Candles of one instrument and interval over a recent window, from the same view as
/// `runtime candles` (1m from market_ohlcv, 5m/1h/1d from the rollups): a close chart and the
/// newest bars.
struct MarketPage: Sendable {
    struct Bar: Sendable {
        var time: String
        var open: String
        var high: String
        var low: String
        var close: String
        var volume: String
    }

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var instrument: String
    var instruments: [Option]
    var intervals: [Option]
    var windows: [Option]
    var source: String
    var chartSVG: String
    var bars: [Bar]
    var count: Int

    init(view: CandlesView, query: MarketQuery, instruments: [String]) {
        instrument = view.instrument.symbol
        self.instruments = instruments.map { Option(value: $0, label: $0, selected: $0 == view.instrument.symbol) }
        intervals = CandlesView.Interval.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == query.interval) }
        windows = MarketQuery.windows.map { Option(value: $0.key, label: $0.key, selected: $0.key == query.window) }
        source = view.source
        let points = view.bars.map { ChartPoint(x: Double($0.openTime.millisecondsSinceEpoch) / 1000, y: $0.close.value.doubleValue) }
        var chart = LineChart(title: "\(view.instrument.symbol) close, \(query.interval.rawValue) bars", points: points, xLabel: EquityCurve.timeLabel)
        chart.emptyText = "no \(query.interval.rawValue) bars of \(view.instrument.symbol) in the last \(query.window)"
        chartSVG = chart.svg
        bars = view.bars.suffix(30).reversed().map {
            Bar(time: Display.time($0.openTime), open: $0.open.description, high: $0.high.description, low: $0.low.description,
                close: $0.close.description, volume: $0.volume.description)
        }
        count = view.bars.count
    }
}

/// The market page's query: `instrument` (an OKX instId), `interval` (1m, 5m, 1h, 1d) and
/// `window` (6h, 24h, 7d, 30d).
struct MarketQuery: Sendable, Hashable {
    static let windows: KeyValuePairs<String, Int64> = ["6h": 6 * 3600, "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400]

    var instrument: InstrumentId
    var interval: CandlesView.Interval
    var window: String
    var seconds: Int64

    /// Parses the query parameters, `fallback` being the instrument when none is given.
    /// - Throws: ``ConsoleError/invalidArgument(field:reason:)`` naming the parameter.
    init(instrument: String?, interval: String?, window: String?, fallback: String) throws(ConsoleError) {
        let text = (instrument ?? "").isEmpty ? fallback : instrument ?? fallback
        do { self.instrument = try InstrumentId(parsing: text) } catch {
            throw .invalidArgument(field: "instrument", reason: "'\(text.prefix(40))' is not an OKX instrument id (e.g. BTC-USDT, BTC-USDT-SWAP)")
        }
        let intervalText = (interval ?? "").isEmpty ? "5m" : interval ?? "5m"
        guard let parsed = CandlesView.Interval(rawValue: intervalText) else {
            throw .invalidArgument(field: "interval", reason: "must be one of 1m, 5m, 1h, 1d, not '\(intervalText.prefix(20))'")
        }
        self.interval = parsed
        let windowText = (window ?? "").isEmpty ? "24h" : window ?? "24h"
        guard let seconds = Self.windows.first(where: { $0.key == windowText })?.value else {
            throw .invalidArgument(field: "window", reason: "must be one of 6h, 24h, 7d, 30d, not '\(windowText.prefix(20))'")
        }
        self.window = windowText
        self.seconds = seconds
    }
}
