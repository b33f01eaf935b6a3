import Foundation

/// One instrument as `GET /api/v5/public/instruments` lists it: its trading rules as OKX writes
/// them (decimal text, never a floating-point number) and whether it trades.
public struct ListedInstrument: Sendable, Hashable {
    /// `instId`, e.g. `BTC-USDT-SWAP`.
    public var instId: String
    /// `instType`: SPOT, SWAP, FUTURES or OPTION.
    public var instType: String
    /// `tickSz`, `lotSz`, `minSz`: the price step, the size step, the smallest order.
    public var tickSz: String
    public var lotSz: String
    public var minSz: String
    /// `ctVal` and `ctValCcy`: a contract's value and its currency; empty for spot.
    public var ctVal: String
    public var ctValCcy: String
    /// `state`: `live`, `suspend`, `preopen`, `expired`, ...
    public var state: String

    public init(instId: String, instType: String, tickSz: String, lotSz: String, minSz: String, ctVal: String = "",
                ctValCcy: String = "", state: String = "live") {
        self.instId = instId
        self.instType = instType
        self.tickSz = tickSz
        self.lotSz = lotSz
        self.minSz = minSz
        self.ctVal = ctVal
        self.ctValCcy = ctValCcy
        self.state = state
    }

    /// Reads a response body. Not the hot path (a few requests per sync), so Foundation's reader.
    static func read(_ body: [UInt8]) throws(HistoryPageError) -> OKXAnswer<[ListedInstrument]> {
        let envelope: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw HistoryPageError(reason: "the body is not a JSON object: \(HistoryPage.excerpt(body))")
            }
            envelope = object
        } catch let error as HistoryPageError {
            throw error
        } catch {
            throw HistoryPageError(reason: "the body is not JSON: \(HistoryPage.excerpt(body))")
        }
        let code: String
        switch envelope["code"] {
        case let text as String: code = text
        case let number as NSNumber: code = number.stringValue
        default: throw HistoryPageError(reason: "the body has no code: \(HistoryPage.excerpt(body))")
        }
        guard code == "0" else { return .okxError(code: code, message: envelope["msg"] as? String ?? "") }
        guard let data = envelope["data"] as? [[String: Any]] else {
            throw HistoryPageError(reason: "code 0 without a data array of objects: \(HistoryPage.excerpt(body))")
        }
        var listed: [ListedInstrument] = []
        listed.reserveCapacity(data.count)
        for (index, entry) in data.enumerated() {
            func field(_ name: String, required: Bool = true) throws(HistoryPageError) -> String {
                guard let value = entry[name] as? String else {
                    if required { throw HistoryPageError(reason: "instrument \(index) has no \(name)") }
                    return ""
                }
                return value
            }
            listed.append(ListedInstrument(instId: try field("instId"), instType: try field("instType"), tickSz: try field("tickSz"),
                                           lotSz: try field("lotSz"), minSz: try field("minSz"), ctVal: try field("ctVal", required: false),
                                           ctValCcy: try field("ctValCcy", required: false), state: try field("state", required: false)))
        }
        return .data(listed)
    }
}
