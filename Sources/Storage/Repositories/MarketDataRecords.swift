import Foundation
import TradingCore

/// A book snapshot as stored in `order_book_snapshots` (levels as OKX-style JSON arrays).
public struct BookSnapshotRecord: Sendable, Hashable {
    public var instrument: InstrumentId
    public var timestamp: Timestamp
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var checksum: Int32?
    public var channel: BookChannel

    public init(instrument: InstrumentId, timestamp: Timestamp, bids: [BookLevel], asks: [BookLevel], checksum: Int32?, channel: BookChannel) {
        self.instrument = instrument; self.timestamp = timestamp; self.bids = bids; self.asks = asks
        self.checksum = checksum; self.channel = channel
    }

    /// The snapshot of a book's current levels (e.g. `OrderBook`'s best N levels).
    public init(update: BookUpdate) {
        self.init(instrument: update.instrument, timestamp: update.timestamp, bids: update.bids, asks: update.asks,
                  checksum: update.checksum, channel: update.channel)
    }

    /// `[["price","size","orders"], ...]`, written by hand (no JSONEncoder on the hot path).
    static func json(_ levels: [BookLevel]) -> String {
        var text = "["
        for (index, level) in levels.enumerated() {
            if index > 0 { text += "," }
            text += "[\"\(level.price.description)\",\"\(level.size.description)\",\"\(level.orderCount)\"]"
        }
        return text + "]"
    }
}

/// One row of `system_metrics`.
public struct SystemMetricRecord: Sendable, Hashable {
    public var timestamp: Timestamp
    public var category: String
    public var name: String
    public var value: FixedPoint
    public var unit: String?
    /// JSON object text.
    public var tags: String

    public init(timestamp: Timestamp, category: String, name: String, value: FixedPoint, unit: String? = nil, tags: String = "{}") {
        self.timestamp = timestamp; self.category = category; self.name = name; self.value = value; self.unit = unit; self.tags = tags
    }
}

/// A market-data row for the batching writer.
public enum MarketDataRow: Sendable, Hashable {
    /// A public trade, for `market_ticks` (duplicates by (symbol, trade_id, timestamp) are ignored).
    case tick(TradeTick, isBlockTrade: Bool = false)
    /// A candle, for `market_ohlcv` (a newer version of the same bar replaces the older).
    case candle(Candle)
    /// A book snapshot, for `order_book_snapshots`.
    case book(BookSnapshotRecord)
    /// An operational metric, for `system_metrics`.
    case metric(SystemMetricRecord)

    /// The table the row goes to.
    public var table: String {
        switch self {
        case .tick: "market_ticks"
        case .candle: "market_ohlcv"
        case .book: "order_book_snapshots"
        case .metric: "system_metrics"
        }
    }

    /// The row's time (what partitioning and retention go by).
    public var time: Timestamp {
        switch self {
        case .tick(let tick, _): tick.timestamp
        case .candle(let candle): candle.openTime
        case .book(let book): book.timestamp
        case .metric(let metric): metric.timestamp
        }
    }

    /// Refuses what the target table's constraints would refuse, naming the field and why.
    public func validate() throws(StorageError) {
        switch self {
        case .tick(let tick, _):
            let check = RowCheck(table: "market_ticks")
            try check.length(tick.instrument.symbol, "symbol", max: 50)
            try check.length(tick.tradeId.rawValue, "trade_id", max: 64)
            try check.positive(tick.price.value, "price")
            try check.positive(tick.quantity.value, "quantity")
        case .candle(let candle):
            try Self.validate(candle)
        case .book(let book):
            let check = RowCheck(table: "order_book_snapshots")
            try check.length(book.instrument.symbol, "symbol", max: 50)
            for (side, levels) in [("bids", book.bids), ("asks", book.asks)] {
                for level in levels {
                    try check.positive(level.price.value, "\(side) price")
                    try check.nonNegative(level.size.value, "\(side) size")
                }
            }
        case .metric(let metric):
            let check = RowCheck(table: "system_metrics")
            try check.length(metric.category, "metric_category", max: 50)
            try check.length(metric.name, "metric_name", max: 100)
            try check.length(metric.unit, "unit", max: 20)
            try check.fits(metric.value, "metric_value")
            try check.jsonObject(metric.tags, "tags")
        }
    }

    /// The candle checks of `market_ohlcv`: prices > 0, volume >= 0, and a consistent bar.
    static func validate(_ candle: Candle) throws(StorageError) {
        let check = RowCheck(table: "market_ohlcv")
        try check.length(candle.instrument.symbol, "symbol", max: 50)
        try check.positive(candle.open.value, "open")
        try check.positive(candle.high.value, "high")
        try check.positive(candle.low.value, "low")
        try check.positive(candle.close.value, "close")
        try check.nonNegative(candle.volume.value, "volume")
        try check.nonNegative(candle.volumeQuote?.value, "quote_volume")
        if candle.high < candle.open { throw check.fail("high", "(\(candle.high)) must be >= open (\(candle.open))") }
        if candle.high < candle.close { throw check.fail("high", "(\(candle.high)) must be >= close (\(candle.close))") }
        if candle.high < candle.low { throw check.fail("high", "(\(candle.high)) must be >= low (\(candle.low))") }
        if candle.low > candle.open { throw check.fail("low", "(\(candle.low)) must be <= open (\(candle.open))") }
        if candle.low > candle.close { throw check.fail("low", "(\(candle.low)) must be <= close (\(candle.close))") }
    }
}
