import Foundation
import TradingCore
@testable import MarketData

/// What a fixture line carries, read independently of the codec with Foundation's JSONSerialization
/// and TradingCore's String parsers, so the codec is checked against a second implementation.
enum IndependentReading {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func object(_ line: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw Failure(description: "not an object: \(line)")
        }
        return object
    }

    static func string(_ dictionary: [String: Any], _ key: String) throws -> String {
        guard let value = dictionary[key] as? String else { throw Failure(description: "no string '\(key)' in \(dictionary)") }
        return value
    }

    static func millis(_ text: String) throws -> Timestamp {
        guard let value = Int64(text) else { throw Failure(description: "bad ts \(text)") }
        return Timestamp(millisecondsSinceEpoch: value)
    }

    /// The market events the line carries, or nil for control and unsupported lines.
    static func marketEvents(_ line: String) throws -> [MarketEvent]? {
        let message = try object(line)
        guard let arg = message["arg"] as? [String: Any], let data = message["data"] as? [Any], message["event"] == nil else {
            return nil
        }
        let channel = try string(arg, "channel")
        let instrument = try InstrumentId(parsing: try string(arg, "instId"))
        switch channel {
        case "trades", "trades-all":
            return try data.map { item in
                let trade = item as! [String: Any]
                return .trade(TradeTick(
                    instrument: instrument, tradeId: TradeId(try string(trade, "tradeId")),
                    price: try Price(parsing: try string(trade, "px")), quantity: try Quantity(parsing: try string(trade, "sz")),
                    side: try string(trade, "side") == "buy" ? .buy : .sell, timestamp: try millis(try string(trade, "ts")),
                    aggregatedCount: (trade["count"] as? String).flatMap { Int($0) }))
            }
        case "tickers":
            return try data.map { item in
                let ticker = item as! [String: Any]
                func optionalPrice(_ key: String) throws -> Price? {
                    let text = try string(ticker, key)
                    return text.isEmpty ? nil : try Price(parsing: text)
                }
                func optionalQuantity(_ key: String) throws -> Quantity? {
                    let text = try string(ticker, key)
                    return text.isEmpty ? nil : try Quantity(parsing: text)
                }
                return .ticker(Ticker(
                    instrument: instrument, last: try Price(parsing: try string(ticker, "last")),
                    lastSize: try Quantity(parsing: try string(ticker, "lastSz")),
                    bidPrice: try optionalPrice("bidPx"), bidSize: try optionalQuantity("bidSz"),
                    askPrice: try optionalPrice("askPx"), askSize: try optionalQuantity("askSz"),
                    open24h: try Price(parsing: try string(ticker, "open24h")), high24h: try Price(parsing: try string(ticker, "high24h")),
                    low24h: try Price(parsing: try string(ticker, "low24h")), volume24h: try Quantity(parsing: try string(ticker, "vol24h")),
                    volumeCurrency24h: try Quantity(parsing: try string(ticker, "volCcy24h")), timestamp: try millis(try string(ticker, "ts"))))
            }
        case let candle where candle.hasPrefix("candle"):
            guard let interval = CandleInterval(okxChannelSuffix: String(candle.dropFirst("candle".count))) else { return nil }
            return try data.map { item in
                let row = item as! [String]
                return .candle(Candle(
                    instrument: instrument, interval: interval, openTime: try millis(row[0]),
                    open: try Price(parsing: row[1]), high: try Price(parsing: row[2]), low: try Price(parsing: row[3]),
                    close: try Price(parsing: row[4]), volume: try Quantity(parsing: row[5]),
                    volumeCurrency: try Quantity(parsing: row[6]),
                    volumeQuote: row.count == 9 ? try Quantity(parsing: row[7]) : nil,
                    isConfirmed: row.count == 9 ? row[8] == "1" : nil))
            }
        case "books", "books5", "bbo-tbt", "books-l2-tbt", "books50-l2-tbt":
            let bookChannel = BookChannel(rawValue: channel)!
            return try data.map { item in
                let book = item as! [String: Any]
                func levels(_ key: String) throws -> [BookLevel] {
                    try (book[key] as! [[String]]).map { level in
                        BookLevel(price: try Price(parsing: level[0]), size: try Quantity(parsing: level[1]), orderCount: Int(level[3])!)
                    }
                }
                let action: BookUpdate.Action = bookChannel.isFullSnapshotEachPush ? .snapshot
                    : (message["action"] as? String == "snapshot" ? .snapshot : .update)
                return .book(BookUpdate(
                    instrument: instrument, channel: bookChannel, action: action, bids: try levels("bids"), asks: try levels("asks"),
                    timestamp: try millis(try string(book, "ts")),
                    checksum: (book["checksum"] as? NSNumber).map { Int32(truncatingIfNeeded: $0.int64Value) },
                    seqId: (book["seqId"] as? NSNumber)?.int64Value, prevSeqId: (book["prevSeqId"] as? NSNumber)?.int64Value))
            }
        default:
            return nil
        }
    }
}
