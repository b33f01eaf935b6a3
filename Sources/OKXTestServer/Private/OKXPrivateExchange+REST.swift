import Foundation
import TradingCore

extension OKXPrivateExchange {
    /// One REST request: authentication first (every private endpoint), then the endpoint, then the
    /// scripted fault of a place request. Returns what to answer and the pushes the request caused.
    mutating func rest(method: String, uri: String, body: String, header: (String) -> String?,
                       now: Timestamp) -> (OKXTestRestDecision, [OKXTestOutgoing]) {
        let (path, query) = OKXRestHandler.split(uri)
        let (decision, pushes) = route(method: method, path: path, query: query, uri: uri, body: body, header: header, now: now)
        let outcome: String = switch decision {
        case .answer(_, let text, _): Self.code(of: text)
        case .hold: "held"
        case .drop: "dropped"
        }
        requests.append(OKXTestRequest(method: method, uri: uri, body: body, outcome: outcome))
        return (decision, pushes)
    }

    private static func code(of body: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return "?" }
        if let data = object["data"] as? [[String: Any]], let first = data.first, let sCode = first["sCode"] as? String { return sCode }
        return object["code"] as? String ?? "?"
    }

    private mutating func route(method: String, path: String, query: [String: String], uri: String, body: String,
                                header: (String) -> String?, now: Timestamp) -> (OKXTestRestDecision, [OKXTestOutgoing]) {
        func answer(_ text: String, status: Int = 200) -> (OKXTestRestDecision, [OKXTestOutgoing]) {
            (.answer(status: status, body: text, delayMilliseconds: 0), [])
        }
        if method == "GET", path == "/api/v5/public/time" {
            return answer(OKXTestJSON.envelope([OKXTestJSON.object([("ts", "\(now.millisecondsSinceEpoch)")])]))
        }
        switch OKXSignatureCheck.rest(method: method, uri: uri, body: body, header: header, accounts: script.accounts, now: now) {
        case .failure(let refusal): return answer(OKXTestJSON.error(code: refusal.code, refusal.message), status: refusal.status)
        case .success: break
        }
        let fields = Self.fields(method == "POST" ? body : nil, query: query)
        switch (method, path) {
        case ("POST", "/api/v5/trade/order"):
            return placeWithFault(fields, expTime: header("expTime"), now: now)
        case ("POST", "/api/v5/trade/cancel-order"):
            let result = cancel(fields, now: now)
            let item = OKXTestJSON.orderResult(clOrdId: result.order?.clOrdId ?? fields["clOrdId"] ?? "", ordId: result.order?.ordId ?? "",
                                                  sCode: result.sCode, sMessage: result.sMessage, at: now)
            return (.answer(status: 200, body: OKXTestJSON.orderAnswer(item, succeeded: result.sCode == "0", at: now), delayMilliseconds: 0),
                    result.pushes)
        case ("POST", "/api/v5/trade/amend-order"):
            if let expired = Self.expired(header("expTime"), now: now) { return answer(expired) }
            let result = amend(fields, now: now)
            let item = OKXTestJSON.orderResult(clOrdId: result.order?.clOrdId ?? fields["clOrdId"] ?? "", ordId: result.order?.ordId ?? "",
                                                  reqId: fields["reqId"] ?? "", sCode: result.sCode, sMessage: result.sMessage, at: now)
            return (.answer(status: 200, body: OKXTestJSON.orderAnswer(item, succeeded: result.sCode == "0", at: now), delayMilliseconds: 0),
                    result.pushes)
        case ("GET", "/api/v5/trade/order"):
            guard fields["ordId"] != nil || fields["clOrdId"] != nil else { return answer(OKXTestJSON.error(code: "51000", "Parameter ordId error")) }
            guard let order = find(fields), order.instrument.symbol == fields["instId"] else {
                return answer(OKXTestJSON.error(code: "51603", "Order does not exist"))
            }
            return answer(OKXTestJSON.envelope([OKXTestJSON.order(order)]))
        case ("GET", "/api/v5/trade/orders-pending"):
            let pending = orders.values.filter { order in order.isPending && (fields["instId"].map { order.instrument.symbol == $0 } ?? true) }
                .sorted { $0.ordId > $1.ordId }  // newest first, as OKX pages
            return answer(OKXTestJSON.envelope(Self.page(pending, fields, cursor: \.ordId).map { OKXTestJSON.order($0) }))
        case ("GET", "/api/v5/trade/fills"):
            let selected = fills.filter { fill in
                (fields["instId"].map { fill.instrument.symbol == $0 } ?? true) && (fields["ordId"].map { fill.ordId == $0 } ?? true)
            }.reversed()
            // The billId of a fill here is its tradeId.
            return answer(OKXTestJSON.envelope(Self.page(Array(selected), fields, cursor: \.tradeId).map(OKXTestJSON.fill)))
        case ("GET", "/api/v5/account/positions"):
            return answer(OKXTestJSON.envelope(positionItems.map { OKXTestJSON.position($0.0, size: $0.1, at: now) }))
        case ("GET", "/api/v5/account/balance"):
            let detail = OKXTestJSON.object([("ccy", "USDT"), ("eq", "100000"), ("cashBal", "100000"), ("availBal", "100000")])
            return answer(#"{"code":"0","msg":"","data":[{"totalEq":"100000","uTime":"\#(now.millisecondsSinceEpoch)","details":[\#(detail)]}]}"#)
        case ("GET", "/api/v5/account/config"):
            return answer(OKXTestJSON.envelope([OKXTestJSON.object([("uid", "77982378738415879"), ("acctLv", "2"),
                                                                          ("posMode", "net_mode"), ("autoLoan", "false")])]))
        case ("POST", "/api/v5/trade/cancel-all-after"):
            guard let text = fields["timeOut"], let seconds = Int(text), seconds == 0 || (10...120).contains(seconds) else {
                return answer(OKXTestJSON.error(code: "51000", "Parameter timeOut error"))
            }
            deadManTimeouts.append(seconds)
            let trigger = seconds == 0 ? "0" : "\(now.millisecondsSinceEpoch + Int64(seconds) * 1000)"
            return answer(OKXTestJSON.envelope([OKXTestJSON.object([("triggerTime", trigger), ("tag", ""),
                                                                          ("ts", "\(now.millisecondsSinceEpoch)")])]))
        default:
            return answer(#"{"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}"#, status: 404)
        }
    }

    /// One page of a newest-first list, as OKX pages it: at most `limit` (default and most 100)
    /// items older than the numeric cursor `after`.
    static func page<Item>(_ items: [Item], _ fields: [String: String], cursor: (Item) -> String) -> [Item] {
        let limit = min(100, max(1, fields["limit"].flatMap(Int.init) ?? 100))
        let after = fields["after"].flatMap(Int64.init)
        return Array(items.filter { item in after.map { (Int64(cursor(item)) ?? .max) < $0 } ?? true }.prefix(limit))
    }

    /// A place request, as scripted: the fault for its `clOrdId` (once), else the plain answer.
    private mutating func placeWithFault(_ fields: [String: String], expTime: String?, now: Timestamp) -> (OKXTestRestDecision, [OKXTestOutgoing]) {
        let clOrdId = fields["clOrdId"] ?? ""
        let fault = faults.removeValue(forKey: ClientOrderId(clOrdId)) ?? everyPlaceFault
        switch fault {
        case .tooManyRequests:
            return (.answer(status: 429, body: #"{"msg":"Too Many Requests","code":"50011"}"#, delayMilliseconds: 0), [])
        case .dropWithoutPlacing:
            return (.drop, [])
        case .timeout50004(placed: false):
            return (.answer(status: 200, body: Self.timeout50004, delayMilliseconds: 0), [])
        default:
            break
        }
        if let expired = Self.expired(expTime, now: now) { return (.answer(status: 200, body: expired, delayMilliseconds: 0), []) }
        let result = place(fields, duplicatePushes: fault == .duplicatePushes, now: now)
        let item = OKXTestJSON.orderResult(clOrdId: clOrdId, ordId: result.ordId, sCode: result.sCode, sMessage: result.sMessage, at: now)
        let body = OKXTestJSON.orderAnswer(item, succeeded: result.sCode == "0", at: now)
        switch fault {
        case .acceptThenHold: return (.hold, result.pushes)
        case .acceptThenDrop: return (.drop, result.pushes)
        case .timeout50004(placed: true):
            return (.answer(status: 200, body: Self.timeout50004, delayMilliseconds: 0), result.pushes)
        case .pushBeforeAck(let delay): return (.answer(status: 200, body: body, delayMilliseconds: delay), result.pushes)
        default: return (.answer(status: 200, body: body, delayMilliseconds: 0), result.pushes)
        }
    }

    /// OKX's ambiguous answer: the order may or may not have been placed.
    private static let timeout50004 = OKXTestJSON.error(
        code: "50004", "API endpoint request timeout (does not mean that the request was successful or failed, please check the request result).")

    /// `50037` when the request's `expTime` has passed (OKX discards it unprocessed).
    private static func expired(_ expTime: String?, now: Timestamp) -> String? {
        guard let text = expTime, let milliseconds = Int64(text), milliseconds < now.millisecondsSinceEpoch else { return nil }
        return OKXTestJSON.error(code: "50037", "Order expired.")
    }

    /// A POST body's top-level string fields (booleans as `true`/`false`), or a GET's query.
    static func fields(_ body: String?, query: [String: String]) -> [String: String] {
        guard let body else { return query }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: fields[key] = text
            default: fields[key] = "\(value)"
            }
        }
        return fields
    }
}
