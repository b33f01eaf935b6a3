import Foundation
import Storage
import StrategyKit
import TradingCore

/// `runtime candles`: bars of one instrument. 1m bars are the exchange's candles stored in
/// `market_ohlcv`; 5m, 1h and 1d bars are the rollups built from stored ticks
/// (`market_ohlcv_5m`, `_1h`, `_1d`, the same names in both schema flavors).
public struct CandlesView: Sendable {
    /// The intervals the view serves and the table each is read from.
    public enum Interval: String, Sendable, Hashable, CaseIterable {
        case oneMinute = "1m"
        case fiveMinutes = "5m"
        case oneHour = "1h"
        case oneDay = "1d"

        /// The table the bars come from.
        public var table: String {
            switch self {
            case .oneMinute: "market_ohlcv"
            case .fiveMinutes: RollupLevel.fiveMinutes.rawValue
            case .oneHour: RollupLevel.oneHour.rawValue
            case .oneDay: RollupLevel.oneDay.rawValue
            }
        }

        /// Parses `--interval`.
        public static func parse(_ text: String) throws(ViewOptionError) -> Interval {
            guard let interval = Interval(rawValue: text) else {
                throw ViewOptionError(option: "--interval", value: text, reason: "must be one of 1m, 5m, 1h, 1d")
            }
            return interval
        }
    }

    /// One bar.
    public struct Bar: Sendable, Hashable {
        public var openTime: Timestamp
        public var open: Price
        public var high: Price
        public var low: Price
        public var close: Price
        public var volume: Quantity
        public var quoteVolume: FixedPoint?
        /// Trades in the bar (rollups only).
        public var tradeCount: Int?
        public var vwap: Price?
    }

    public var instrument: InstrumentId
    public var interval: Interval
    /// The table read.
    public var source: String
    public var bars: [Bar]

    /// Parses the instrument argument (any OKX instId form).
    public static func instrument(_ text: String) throws(ViewOptionError) -> InstrumentId {
        do { return try InstrumentId(parsing: text) } catch {
            throw ViewOptionError(option: "INSTRUMENT", value: text, reason: "not an OKX instrument id (e.g. BTC-USDT, BTC-USDT-SWAP): \(error)")
        }
    }

    /// Reads the bars with open time in [from, to), oldest first.
    public static func read(_ session: any DatabaseSession, instrument: InstrumentId, interval: Interval,
                            from: Timestamp, to: Timestamp) async throws(StorageError) -> CandlesView {
        let repository = MarketDataRepository(session)
        let bars: [Bar]
        switch interval {
        case .oneMinute:
            bars = try await repository.candles(instrument, interval: .oneMinute, from: from, to: to).map {
                Bar(openTime: $0.openTime, open: $0.open, high: $0.high, low: $0.low, close: $0.close, volume: $0.volume,
                    quoteVolume: $0.volumeQuote?.value, tradeCount: nil, vwap: nil)
            }
        case .fiveMinutes, .oneHour, .oneDay:
            let level: RollupLevel = interval == .fiveMinutes ? .fiveMinutes : interval == .oneHour ? .oneHour : .oneDay
            bars = try await repository.rollup(level, symbol: instrument.symbol, from: from, to: to).map {
                Bar(openTime: $0.bucket, open: $0.open, high: $0.high, low: $0.low, close: $0.close, volume: $0.volume,
                    quoteVolume: $0.quoteVolume, tradeCount: $0.tradeCount, vwap: $0.vwap)
            }
        }
        return CandlesView(instrument: instrument, interval: interval, source: interval.table, bars: bars)
    }

    /// One JSON object: the instrument, interval, source table and bars (prices as decimal strings).
    public var json: ParameterValue {
        .object([
            "instrument": .string(instrument.symbol), "interval": .string(interval.rawValue), "source": .string(source),
            "bars": .array(bars.map { bar -> ParameterValue in
                .object([
                    "open_time": ViewJSON.time(bar.openTime), "open": ViewJSON.amount(bar.open.value), "high": ViewJSON.amount(bar.high.value),
                    "low": ViewJSON.amount(bar.low.value), "close": ViewJSON.amount(bar.close.value),
                    "volume": ViewJSON.amount(bar.volume.value), "quote_volume": ViewJSON.amount(bar.quoteVolume),
                    "trade_count": bar.tradeCount.map { ParameterValue.number(String($0)) } ?? .null, "vwap": ViewJSON.amount(bar.vwap?.value),
                ])
            }),
        ])
    }
}
