import Foundation

/// One REST response body of `history-candles` or `history-trades`, read: OKX's envelope
/// `{"code":"0","msg":"","data":[...]}`, newest record first.
public enum HistoryPage {
    /// What a body says.
    public enum Content: Sendable, Hashable {
        /// `code` "0": the records, in the order OKX sent them (newest first).
        case records([HistoryRecord])
        /// Any other `code`: OKX's error, e.g. 50011 "Too Many Requests" or 51001 "Instrument ID does not exist".
        case okxError(code: String, message: String)
    }

    /// Reads a body. Not the hot path: a page is read once per request, so Foundation's JSON
    /// reader is plenty.
    /// - Throws: ``HistoryPageError`` when the body is not OKX's envelope or a record is malformed.
    public static func read(_ body: [UInt8], kind: HistoryKind, instrument: String) throws(HistoryPageError) -> Content {
        let data: [Any]
        switch try OKXEnvelope.read(body) {
        case .okxError(let code, let message): return .okxError(code: code, message: message)
        case .data(let value):
            guard let array = value as? [Any] else { throw HistoryPageError(reason: "code 0 without a data array: \(Self.excerpt(body))") }
            data = array
        }
        var records: [HistoryRecord] = []
        records.reserveCapacity(data.count)
        for (index, element) in data.enumerated() {
            switch kind {
            case .candles: records.append(try candle(element, index: index, instrument: instrument))
            case .trades: records.append(try trade(element, index: index, instrument: instrument))
            }
        }
        return .records(records)
    }

    private static func candle(_ element: Any, index: Int, instrument: String) throws(HistoryPageError) -> HistoryRecord {
        guard let values = element as? [Any], let fields = values as? [String] else {
            throw HistoryPageError(reason: "candle \(index) is not an array of strings")
        }
        // [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]: confirm is what tells a closed bar.
        guard fields.count == 9 else { throw HistoryPageError(reason: "candle \(index) has \(fields.count) fields, expected 9") }
        guard let time = Int64(fields[0]) else { throw HistoryPageError(reason: "candle \(index) has a malformed ts '\(fields[0])'") }
        for (offset, field) in fields.enumerated().dropFirst().prefix(7) where Double(field) == nil {
            throw HistoryPageError(reason: "candle \(index) field \(offset) is not a number: '\(field)'")
        }
        guard fields[8] == "0" || fields[8] == "1" else { throw HistoryPageError(reason: "candle \(index) has confirm '\(fields[8])'") }
        return HistoryRecord(instrument: instrument, time: time, fields: .candle(fields))
    }

    private static func trade(_ element: Any, index: Int, instrument: String) throws(HistoryPageError) -> HistoryRecord {
        guard let object = element as? [String: Any] else { throw HistoryPageError(reason: "trade \(index) is not an object") }
        func field(_ name: String) throws(HistoryPageError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else { throw HistoryPageError(reason: "trade \(index) has no \(name)") }
            return value
        }
        let tradeId = try field("tradeId"), price = try field("px"), size = try field("sz"), side = try field("side"), ts = try field("ts")
        guard let time = Int64(ts) else { throw HistoryPageError(reason: "trade \(index) has a malformed ts '\(ts)'") }
        guard Int64(tradeId) != nil else { throw HistoryPageError(reason: "trade \(index) has a malformed tradeId '\(tradeId)'") }
        guard Double(price) != nil, Double(size) != nil else { throw HistoryPageError(reason: "trade \(index) has a malformed px or sz") }
        guard side == "buy" || side == "sell" else { throw HistoryPageError(reason: "trade \(index) has side '\(side)'") }
        if let id = object["instId"] as? String, id != instrument {
            throw HistoryPageError(reason: "trade \(index) is of \(id), not \(instrument)")
        }
        return HistoryRecord(instrument: instrument, time: time, fields: .trade(tradeId: tradeId, price: price, size: size, side: side))
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "..." : text
    }
}

/// A response body that is not a well-formed OKX page.
public struct HistoryPageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the body.
    public var reason: String
    public var description: String { reason }
}
