import TradingCore

/// The JSON texts the fake OKX servers answer with, in OKX's documented shapes (every number a string).
enum OKXTestJSON {
    static func quoted(_ text: String) -> String { JSONString.quoted(text) }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }

    /// `{"code":"0","msg":"","data":[...]}`.
    static func envelope(_ data: [String], code: String = "0", message: String = "") -> String {
        #"{"code":"\#(code)","msg":\#(quoted(message)),"data":[\#(data.joined(separator: ","))]}"#
    }

    /// A request-wide error, e.g. `{"msg":"Invalid Sign","code":"50113"}`.
    static func error(code: String, _ message: String) -> String {
        #"{"code":"\#(code)","msg":\#(quoted(message)),"data":[]}"#
    }

    /// The per-order result of a place, cancel or amend (`sCode`/`sMsg`).
    static func orderResult(clOrdId: String, ordId: String, reqId: String? = nil, sCode: String, sMessage: String, at time: Timestamp) -> String {
        var fields = [("clOrdId", clOrdId), ("ordId", ordId), ("tag", ""), ("ts", "\(time.millisecondsSinceEpoch)"),
                      ("sCode", sCode), ("sMsg", sMessage), ("subCode", "")]
        if let reqId { fields.append(("reqId", reqId)) }
        return object(fields)
    }

    /// The answer to a place/cancel/amend: code 0 when the order's `sCode` is 0, else 1 ("All operations failed").
    static func orderAnswer(_ result: String, succeeded: Bool, at time: Timestamp) -> String {
        let micros = "\(time.microsecondsSinceEpoch)"
        return #"{"code":"\#(succeeded ? "0" : "1")","msg":"\#(succeeded ? "" : "All operations failed")","data":[\#(result)],"inTime":"\#(micros)","outTime":"\#(micros)"}"#
    }

    /// One order item: an `orders` push's `data[i]`, or a row of `GET /trade/order(s-pending)`.
    static func order(_ order: OKXTestOrder, fill: OKXTestFill? = nil, reqId: String = "", amendResult: String = "") -> String {
        let average: String
        if order.filled.isZero {
            average = ""
        } else if let value = try? order.filledNotional.divided(by: order.filled.value, rounding: .toNearestOrAwayFromZero) {
            average = Price(value).description
        } else {
            average = ""
        }
        let kind = order.instrument.kind
        return object([
            ("instType", kind == .spot ? "SPOT" : kind == .swap ? "SWAP" : "FUTURES"), ("instId", order.instrument.symbol),
            ("ordId", order.ordId), ("clOrdId", order.clOrdId), ("tag", ""), ("ordType", order.orderType.rawValue),
            ("side", order.side.rawValue), ("posSide", kind == .spot ? "" : "net"), ("tdMode", kind == .spot ? "cash" : "cross"),
            ("px", order.price?.description ?? ""), ("sz", order.size.description), ("state", order.state),
            ("accFillSz", order.filled.description), ("avgPx", average),
            ("tradeId", fill?.tradeId ?? ""), ("fillPx", fill?.price.description ?? ""), ("fillSz", fill?.size.description ?? "0"),
            ("fillTime", fill.map { "\($0.time.millisecondsSinceEpoch)" } ?? ""), ("fillFee", fill?.fee.description ?? "0"),
            ("fillFeeCcy", fill?.feeCurrency ?? ""), ("execType", fill?.execType ?? ""),
            ("fee", order.fee.description), ("feeCcy", order.feeCurrency), ("rebate", "0"), ("rebateCcy", order.feeCurrency),
            ("cancelSource", order.cancelSource), ("reqId", reqId), ("amendResult", amendResult), ("category", "normal"),
            ("code", "0"), ("msg", ""), ("lever", kind == .spot ? "0" : "3"),
            ("cTime", "\(order.createdAt.millisecondsSinceEpoch)"), ("uTime", "\(order.updatedAt.millisecondsSinceEpoch)"),
        ])
    }

    /// One row of `GET /trade/fills`.
    static func fill(_ fill: OKXTestFill) -> String {
        object([
            ("instType", fill.instrument.kind == .spot ? "SPOT" : "SWAP"), ("instId", fill.instrument.symbol),
            ("tradeId", fill.tradeId), ("ordId", fill.ordId), ("clOrdId", fill.clOrdId), ("billId", fill.tradeId),
            ("side", fill.side.rawValue), ("fillPx", fill.price.description), ("fillSz", fill.size.description),
            ("fee", fill.fee.description), ("feeCcy", fill.feeCurrency), ("execType", fill.execType),
            ("fillTime", "\(fill.time.millisecondsSinceEpoch)"), ("ts", "\(fill.time.millisecondsSinceEpoch)"),
        ])
    }

    /// One position (`GET /account/positions`, `positions` push, `posData`).
    static func position(_ instrument: InstrumentId, size: FixedPoint, at time: Timestamp) -> String {
        object([
            ("instType", "SWAP"), ("instId", instrument.symbol), ("mgnMode", "cross"), ("posSide", "net"),
            ("pos", Money(size).description), ("ccy", instrument.quote), ("avgPx", ""), ("uTime", "\(time.millisecondsSinceEpoch)"),
        ])
    }

    /// A push on `channel` with `data` items.
    static func push(channel: String, instType: String? = "ANY", eventType: String? = nil, data: [String]) -> String {
        var arg = [("channel", channel), ("uid", "77982378738415879")]
        if let instType { arg.append(("instType", instType)) }
        let event = eventType.map { #","eventType":"\#($0)","curPage":1,"lastPage":true"# } ?? ""
        return #"{"arg":\#(object(arg))\#(event),"data":[\#(data.joined(separator: ","))]}"#
    }
}
