// The JSON shapes of OKX's private messages, every field optional: OKX adds fields often and
// leaves inapplicable ones empty, so presence and syntax are checked when converting to the typed
// values (OKXFieldReader), where an error can name the field.

/// A string OKX usually quotes but sometimes sends as a bare number (the gateway's 404 `code`).
struct LenientString: Decodable, Hashable {
    let value: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { value = text }
        else if let number = try? container.decode(Int64.self) { value = String(number) }
        else if let flag = try? container.decode(Bool.self) { value = String(flag) }
        else { value = "" }
    }
}

struct RawArgument: Decodable {
    var channel: String?
    var instType: String?
    var instId: String?
}

struct RawOrder: Decodable {
    var instId: String?
    var ordId: String?
    var clOrdId: String?
    var state: String?
    var side: String?
    var ordType: String?
    var sz: String?
    var px: String?
    var accFillSz: String?
    var avgPx: String?
    var tradeId: String?
    var fillPx: String?
    var fillSz: String?
    var fillFee: String?
    var fillFeeCcy: String?
    var fillTime: String?
    var execType: String?
    var fee: String?
    var feeCcy: String?
    var cancelSource: String?
    var reqId: String?
    var amendResult: String?
    var category: String?
    var uTime: String?
    var cTime: String?
    var ts: String?
    var sCode: LenientString?
    var sMsg: String?
    var posSide: String?
    var pos: String?
    var mgnMode: String?
    var billId: String?
    var acctLv: String?
    var posMode: String?
}

struct RawBalanceAndPosition: Decodable {
    var eventType: String?
    var posData: [RawOrder]?
}

struct RawFrame: Decodable {
    var event: String?
    var op: String?
    var id: String?
    var code: LenientString?
    var msg: String?
    var arg: RawArgument?
    var channel: String?
    var connCount: String?
    var connId: String?
    var eventType: String?
}

struct RawData<Item: Decodable>: Decodable {
    var code: LenientString?
    var msg: String?
    var data: [Item]?
}
