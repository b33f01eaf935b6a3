import TradingCore
@testable import DataQuality

/// Shorthands for building events in tests. Times are milliseconds from an arbitrary base.
enum Make {
    static let baseMilliseconds: Int64 = 1_700_000_000_000

    static func instrument(_ text: String = "BTC-USDT") throws -> InstrumentId { try InstrumentId(parsing: text) }

    static func time(_ milliseconds: Int64 = 0, nanoseconds: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: baseMilliseconds + milliseconds).advanced(byNanoseconds: nanoseconds)
    }

    static func price(_ text: String) throws -> Price { try Price(parsing: text) }

    static func trade(_ price: String, id: String, size: String = "1", at timestamp: Timestamp = time(),
                      instrument: String = "BTC-USDT") throws -> TradeTick {
        TradeTick(instrument: try Make.instrument(instrument), tradeId: TradeId(id), price: try Price(parsing: price),
                  quantity: try Quantity(parsing: size), side: .buy, timestamp: timestamp)
    }

    static func candle(open: String, high: String, low: String, close: String, volume: String = "1",
                       interval: CandleInterval = .oneMinute, openTime: Timestamp = time(), instrument: String = "BTC-USDT") throws -> Candle {
        Candle(instrument: try Make.instrument(instrument), interval: interval, openTime: openTime, open: try Price(parsing: open),
               high: try Price(parsing: high), low: try Price(parsing: low), close: try Price(parsing: close),
               volume: try Quantity(parsing: volume))
    }

    static func level(_ price: String, _ size: String) throws -> BookLevel {
        BookLevel(price: try Price(parsing: price), size: try Quantity(parsing: size), orderCount: 1)
    }

    static func book(bids: [(String, String)], asks: [(String, String)], channel: BookChannel = .books5,
                     action: BookUpdate.Action = .snapshot, at timestamp: Timestamp = time(), instrument: String = "BTC-USDT") throws -> BookUpdate {
        BookUpdate(instrument: try Make.instrument(instrument), channel: channel, action: action,
                   bids: try bids.map { try level($0.0, $0.1) }, asks: try asks.map { try level($0.0, $0.1) }, timestamp: timestamp)
    }

    static func ticker(last: String, bid: String?, ask: String?, at timestamp: Timestamp = time(), instrument: String = "BTC-USDT") throws -> Ticker {
        Ticker(instrument: try Make.instrument(instrument), last: try Price(parsing: last), lastSize: .zero,
               bidPrice: try bid.map { try Price(parsing: $0) }, bidSize: .zero, askPrice: try ask.map { try Price(parsing: $0) },
               askSize: .zero, open24h: try Price(parsing: last), high24h: try Price(parsing: last), low24h: try Price(parsing: last),
               volume24h: .zero, volumeCurrency24h: .zero, timestamp: timestamp)
    }

    /// A control with `adjust` applied to the standard rules.
    static func control(_ adjust: (inout QualityRules) -> Void = { _ in }) throws -> QualityControl {
        var rules = QualityRules.standard
        adjust(&rules)
        return QualityControl(configuration: try QualityConfiguration(defaults: rules))
    }
}

/// Milliseconds to nanoseconds.
func ms(_ milliseconds: Int64) -> Int64 { milliseconds * 1_000_000 }
