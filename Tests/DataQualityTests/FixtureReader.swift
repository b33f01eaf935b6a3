import Foundation
import TradingCore

/// TEST HELPER ONLY: a tiny reader of the recorded OKX frames in Tests/Fixtures/okx/ws, built on
/// Foundation's JSONSerialization so these tests do not depend on MarketData's codec (written
/// separately). It understands just the channels the replay tests use: trades, tickers,
/// candle*, books5, bbo-tbt and books / books-l2-tbt, and refuses anything it cannot read.
enum FixtureReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Tests/Fixtures/okx/ws, located from this file.
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/okx/ws")
    }

    /// Every event in `file` (e.g. `trades.jsonl`), in line order.
    static func events(_ file: String) throws -> [MarketEvent] {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        var events: [MarketEvent] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            do {
                events += try Self.events(line: String(line))
            } catch {
                throw Failure(description: "\(file):\(number + 1): \(error)")
            }
        }
        return events
    }

    static func events(line: String) throws -> [MarketEvent] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let argument = object["arg"] as? [String: Any], let channel = argument["channel"] as? String,
              let instId = argument["instId"] as? String, let data = object["data"] as? [Any] else {
            return []  // acks, errors: no market data
        }
        let instrument = try InstrumentId(parsing: instId)
        switch channel {
        case "trades", "trades-all":
            return try data.map { item in
                let fields = try dictionary(item)
                return .trade(TradeTick(
                    instrument: instrument, tradeId: TradeId(try string(fields, "tradeId")),
                    price: try Price(parsing: try string(fields, "px")), quantity: try Quantity(parsing: try string(fields, "sz")),
                    side: try string(fields, "side") == "buy" ? .buy : .sell, timestamp: try millis(fields, "ts")))
            }
        case "tickers":
            return try data.map { item in
                let fields = try dictionary(item)
                return .ticker(Ticker(
                    instrument: instrument, last: try Price(parsing: try string(fields, "last")),
                    lastSize: try Quantity(parsing: try string(fields, "lastSz")),
                    bidPrice: try optionalPrice(fields, "bidPx"), bidSize: try optionalQuantity(fields, "bidSz"),
                    askPrice: try optionalPrice(fields, "askPx"), askSize: try optionalQuantity(fields, "askSz"),
                    open24h: try Price(parsing: try string(fields, "open24h")), high24h: try Price(parsing: try string(fields, "high24h")),
                    low24h: try Price(parsing: try string(fields, "low24h")), volume24h: try Quantity(parsing: try string(fields, "vol24h")),
                    volumeCurrency24h: try Quantity(parsing: try string(fields, "volCcy24h")), timestamp: try millis(fields, "ts")))
            }
        case let name where name.hasPrefix("candle"):
            guard let interval = CandleInterval(okxChannelSuffix: String(name.dropFirst("candle".count))) else {
                throw Failure(description: "unknown candle channel \(name)")
            }
            return try data.map { item in
                guard let row = item as? [String], row.count >= 7, let openTime = Int64(row[0]) else {
                    throw Failure(description: "candle row is not an array of at least 7 strings")
                }
                return .candle(Candle(
                    instrument: instrument, interval: interval, openTime: Timestamp(millisecondsSinceEpoch: openTime),
                    open: try Price(parsing: row[1]), high: try Price(parsing: row[2]), low: try Price(parsing: row[3]),
                    close: try Price(parsing: row[4]), volume: try Quantity(parsing: row[5]),
                    volumeCurrency: try Quantity(parsing: row[6]),
                    volumeQuote: row.count >= 8 ? try Quantity(parsing: row[7]) : nil,
                    isConfirmed: row.count >= 9 ? row[8] == "1" : nil))
            }
        case "books5", "bbo-tbt", "books", "books-l2-tbt", "books50-l2-tbt":
            guard let bookChannel = BookChannel(rawValue: channel) else { throw Failure(description: "unknown book channel") }
            let action: BookUpdate.Action = (object["action"] as? String) == "update" ? .update : .snapshot
            return try data.map { item in
                let fields = try dictionary(item)
                return .book(BookUpdate(
                    instrument: instrument, channel: bookChannel, action: action,
                    bids: try levels(fields["bids"]), asks: try levels(fields["asks"]), timestamp: try millis(fields, "ts"),
                    checksum: (fields["checksum"] as? NSNumber).map { Int32(truncatingIfNeeded: $0.int64Value) },
                    seqId: (fields["seqId"] as? NSNumber)?.int64Value, prevSeqId: (fields["prevSeqId"] as? NSNumber)?.int64Value))
            }
        default:
            return []
        }
    }

    private static func dictionary(_ item: Any) throws -> [String: Any] {
        guard let fields = item as? [String: Any] else { throw Failure(description: "data item is not an object") }
        return fields
    }

    private static func string(_ fields: [String: Any], _ key: String) throws -> String {
        guard let value = fields[key] as? String else { throw Failure(description: "missing string field \(key)") }
        return value
    }

    private static func millis(_ fields: [String: Any], _ key: String) throws -> Timestamp {
        guard let value = Int64(try string(fields, key)) else { throw Failure(description: "\(key) is not milliseconds") }
        return Timestamp(millisecondsSinceEpoch: value)
    }

    private static func optionalPrice(_ fields: [String: Any], _ key: String) throws -> Price? {
        guard let text = fields[key] as? String, !text.isEmpty else { return nil }
        return try Price(parsing: text)
    }

    private static func optionalQuantity(_ fields: [String: Any], _ key: String) throws -> Quantity? {
        guard let text = fields[key] as? String, !text.isEmpty else { return nil }
        return try Quantity(parsing: text)
    }

    private static func levels(_ value: Any?) throws -> [BookLevel] {
        guard let rows = value as? [[String]] else { throw Failure(description: "book side is not an array of string arrays") }
        return try rows.map { row in
            guard row.count >= 4, let orders = Int(row[3]) else { throw Failure(description: "book level needs 4 fields") }
            return BookLevel(price: try Price(parsing: row[0]), size: try Quantity(parsing: row[1]), orderCount: orders)
        }
    }
}
