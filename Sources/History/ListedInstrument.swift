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

    /// Reads a response body.
    static func read(_ body: [UInt8]) throws(HistoryPageError) -> OKXAnswer<[ListedInstrument]> {
        let data: [[String: Any]]
        switch try OKXEnvelope.read(body) {
        case .okxError(let code, let message): return .okxError(code: code, message: message)
        case .data(let value):
            guard let array = value as? [[String: Any]] else {
                throw HistoryPageError(reason: "code 0 without a data array of objects: \(HistoryPage.excerpt(body))")
            }
            data = array
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
