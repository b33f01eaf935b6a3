import Foundation
import TradingCore

/// Decodes OKX private messages (WebSocket frames and REST answers) into typed values.
///
/// Foundation's `JSONDecoder`, not MarketData's byte scanner: private traffic is a few messages per
/// order (not the market-data hot path), the shapes are nested and numerous, and a decoder that
/// states every field is easier to review than hand-rolled scanning. Every field is read as an
/// optional string and converted by ``OKXFieldReader``, so a bad value is refused with its field
/// named instead of crashing or silently becoming zero.
public struct OKXPrivateCodec: Sendable {
    public init() {}

    /// Decodes one WebSocket text frame.
    public func decodeFrame(_ text: String) throws(OKXDecodeFailure) -> OKXPrivateMessage {
        if text == "pong" { return .pong }
        let frame: RawFrame = try decode(text, as: RawFrame.self, what: "frame")
        if let event = frame.event {
            let code = frame.code?.value ?? ""
            switch event {
            case "login":
                return code == "0" || code.isEmpty ? .loggedIn : .error(code: code, message: frame.msg ?? "", requestId: frame.id)
            case "subscribe":
                return .subscribed(channel: frame.arg?.channel ?? "")
            case "error", "channel-conn-count-error":
                return .error(code: code, message: frame.msg ?? "", requestId: frame.id)
            case "notice":
                return .notice(code: code, message: frame.msg ?? "")
            case "channel-conn-count":
                return .connectionCount(channel: frame.channel ?? "", count: frame.connCount ?? "")
            default:
                return .ignored("event \(event)")
            }
        }
        if let op = frame.op {
            let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "\(op) answer")
            return .operation(op: op, requestId: frame.id, acks: try acks(raw, path: op))
        }
        switch frame.arg?.channel {
        case "orders":
            let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "orders push")
            return .orders(try orders(raw.data ?? [], path: "orders.data"))
        case "positions":
            let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "positions push")
            return .positions(try positions(raw.data ?? [], path: "positions.data"), channel: "positions")
        case "balance_and_position":
            let raw: RawData<RawBalanceAndPosition> = try decode(text, as: RawData<RawBalanceAndPosition>.self, what: "balance_and_position push")
            var all: [OKXPosition] = []
            for (index, item) in (raw.data ?? []).enumerated() {
                all += try positions(item.posData ?? [], path: "balance_and_position.data[\(index)].posData")
            }
            return .positions(all, channel: "balance_and_position")
        case let channel?:
            return .ignored("channel \(channel)")
        case nil:
            throw OKXDecodeFailure(field: "frame", reason: "has neither event, op nor arg.channel: \(text.prefix(200))")
        }
    }

    /// Decodes the answer to `POST /trade/order`, `/cancel-order` or `/amend-order` (one ack per order).
    public func decodeOrderAcks(_ text: String) throws(OKXDecodeFailure) -> [OKXOrderAck] {
        try acks(try decode(text, as: RawData<RawOrder>.self, what: "order answer"), path: "answer")
    }

    /// The answer to `GET /trade/order` (one order) or `/trade/orders-pending` (a page).
    public enum OrdersAnswer: Sendable, Hashable {
        case orders([OKXOrderUpdate])
        /// `51603`: no order with that id (for a lookup by `clOrdId`: not placed, or not yet).
        case notFound
        /// Any other error `code`.
        case failed(OKXOrderAck)
    }

    /// Decodes the answer to an order query.
    public func decodeOrders(_ text: String) throws(OKXDecodeFailure) -> OrdersAnswer {
        let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "orders answer")
        let code = raw.code?.value ?? ""
        if code == "51603" { return .notFound }
        guard code == "0" else { return .failed(OKXOrderAck(clientOrderId: nil, venueOrderId: nil, code: code, message: raw.msg ?? "")) }
        return .orders(try orders(raw.data ?? [], path: "data"))
    }

    /// Decodes the answer to `GET /trade/fills` (fee in `fee`, sign-flipped like `fillFee`).
    public func decodeFills(_ text: String) throws(OKXDecodeFailure) -> [OKXFillDetail] {
        try decodeFillsPage(text).fills
    }

    /// Decodes one page of `GET /trade/fills` with the `billId` of its last item: the `after`
    /// cursor of the next (older) page.
    public func decodeFillsPage(_ text: String) throws(OKXDecodeFailure) -> (fills: [OKXFillDetail], cursor: String?) {
        let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "fills answer")
        let code = raw.code?.value ?? ""
        guard code == "0" else { throw OKXDecodeFailure(field: "code", reason: "is \(code) (\(raw.msg ?? "")), not a fills page") }
        var fills: [OKXFillDetail] = []
        for (index, item) in (raw.data ?? []).enumerated() {
            let reader = OKXFieldReader(path: "data[\(index)]")
            guard let fill = try fill(item, reader: reader, feeField: item.fillFee ?? item.fee, timeField: item.fillTime ?? item.ts) else {
                throw OKXDecodeFailure(field: "data[\(index)].tradeId", reason: "is missing or empty")
            }
            fills.append(fill)
        }
        return (fills, raw.data?.last?.billId)
    }

    /// Decodes the answer to `GET /account/positions`.
    public func decodePositions(_ text: String) throws(OKXDecodeFailure) -> [OKXPosition] {
        let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "positions answer")
        let code = raw.code?.value ?? ""
        guard code == "0" else { throw OKXDecodeFailure(field: "code", reason: "is \(code) (\(raw.msg ?? "")), not a positions page") }
        return try positions(raw.data ?? [], path: "data")
    }

    /// Decodes the answer to `GET /api/v5/public/time` (for ``OKXClockOffset``).
    public func decodeServerTime(_ text: String) throws(OKXDecodeFailure) -> Timestamp {
        let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "time answer")
        let code = raw.code?.value ?? ""
        guard code == "0" else { throw OKXDecodeFailure(field: "code", reason: "is \(code) (\(raw.msg ?? "")), not a time answer") }
        guard let first = raw.data?.first else { throw OKXDecodeFailure(field: "data", reason: "is empty") }
        guard let time = try OKXFieldReader(path: "data[0]").time(first.ts, "ts") else {
            throw OKXDecodeFailure(field: "data[0].ts", reason: "is missing or empty")
        }
        return time
    }

    /// Decodes the answer to `GET /api/v5/account/config`.
    public func decodeAccountConfiguration(_ text: String) throws(OKXDecodeFailure) -> OKXAccountConfiguration {
        let raw: RawData<RawOrder> = try decode(text, as: RawData<RawOrder>.self, what: "account config answer")
        let code = raw.code?.value ?? ""
        guard code == "0" else { throw OKXDecodeFailure(field: "code", reason: "is \(code) (\(raw.msg ?? "")), not an account configuration") }
        guard let first = raw.data?.first else { throw OKXDecodeFailure(field: "data", reason: "is empty") }
        let reader = OKXFieldReader(path: "data[0]")
        return OKXAccountConfiguration(accountLevel: try reader.required(first.acctLv, "acctLv"),
                                       positionMode: try reader.required(first.posMode, "posMode"))
    }

    // MARK: - Conversions

    private func decode<T: Decodable>(_ text: String, as type: T.Type, what: String) throws(OKXDecodeFailure) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw OKXDecodeFailure(field: what, reason: "is not valid JSON of the expected shape: \(error)")
        }
    }

    private func acks(_ raw: RawData<RawOrder>, path: String) throws(OKXDecodeFailure) -> [OKXOrderAck] {
        let topCode = raw.code?.value ?? ""
        let items = raw.data ?? []
        // A request refused as a whole (rate limit, auth, bad args) carries no per-order items.
        guard !items.isEmpty else {
            return [OKXOrderAck(clientOrderId: nil, venueOrderId: nil, code: topCode.isEmpty ? "0" : topCode, message: raw.msg ?? "")]
        }
        return items.enumerated().map { index, item in
            let reader = OKXFieldReader(path: "\(path).data[\(index)]")
            return OKXOrderAck(clientOrderId: reader.clientOrderId(item.clOrdId), venueOrderId: reader.text(item.ordId).map(VenueOrderId.init),
                               amendRequestId: reader.text(item.reqId),
                               code: item.sCode?.value ?? topCode, message: item.sMsg ?? raw.msg ?? "")
        }
    }

    private func orders(_ items: [RawOrder], path: String) throws(OKXDecodeFailure) -> [OKXOrderUpdate] {
        var result: [OKXOrderUpdate] = []
        for (index, item) in items.enumerated() {
            let reader = OKXFieldReader(path: "\(path)[\(index)]")
            let size = try reader.quantity(item.sz, "sz")
            result.append(OKXOrderUpdate(
                instrument: try reader.instrument(item.instId, "instId"),
                venueOrderId: VenueOrderId(try reader.required(item.ordId, "ordId")),
                clientOrderId: reader.clientOrderId(item.clOrdId),
                state: OKXVenueOrderState(okx: try reader.required(item.state, "state")),
                side: try reader.side(item.side, "side"),
                orderType: try reader.required(item.ordType, "ordType"),
                size: size ?? .zero,
                price: try reader.price(item.px, "px"),
                accumulatedFillSize: try reader.quantity(item.accFillSz, "accFillSz") ?? .zero,
                // OKX sends avgPx "0" before any fill on some products.
                averagePrice: try reader.price(item.avgPx, "avgPx").flatMap { $0.isZero ? nil : $0 },
                fill: try fill(item, reader: reader, feeField: item.fillFee, timeField: item.fillTime),
                accumulatedFee: try reader.money(item.fee, "fee").map { -$0 },
                feeCurrency: reader.text(item.feeCcy),
                cancelSource: reader.text(item.cancelSource),
                amendRequestId: reader.text(item.reqId),
                amendResult: reader.text(item.amendResult),
                category: reader.text(item.category),
                updatedAt: try reader.time(item.uTime, "uTime"),
                createdAt: try reader.time(item.cTime, "cTime")))
        }
        return result
    }

    /// The fill an order item reports, nil when it reports none (empty `tradeId`).
    private func fill(_ item: RawOrder, reader: OKXFieldReader, feeField: String?, timeField: String?) throws(OKXDecodeFailure) -> OKXFillDetail? {
        guard let tradeId = reader.text(item.tradeId) else { return nil }
        guard let quantity = try reader.quantity(item.fillSz, "fillSz"), !quantity.isZero else {
            throw OKXDecodeFailure(field: "\(reader.path).fillSz", reason: "is missing or zero although tradeId \(tradeId) reports a fill")
        }
        guard let price = try reader.price(item.fillPx, "fillPx"), !price.isZero else {
            throw OKXDecodeFailure(field: "\(reader.path).fillPx", reason: "is missing or zero although tradeId \(tradeId) reports a fill")
        }
        guard let time = try reader.time(timeField, "fillTime") else {
            throw OKXDecodeFailure(field: "\(reader.path).fillTime", reason: "is missing although tradeId \(tradeId) reports a fill")
        }
        let okxFee = try reader.money(feeField, "fillFee") ?? .zero
        return OKXFillDetail(
            instrument: try reader.instrument(item.instId, "instId"), tradeId: TradeId(tradeId),
            venueOrderId: VenueOrderId(try reader.required(item.ordId, "ordId")), clientOrderId: reader.clientOrderId(item.clOrdId),
            price: price, quantity: quantity,
            fee: -okxFee,  // OKX: negative = charged; ours: positive = charged.
            feeCurrency: reader.text(item.fillFeeCcy) ?? reader.text(item.feeCcy),
            liquidity: Liquidity(okxExecType: item.execType), time: time)
    }

    private func positions(_ items: [RawOrder], path: String) throws(OKXDecodeFailure) -> [OKXPosition] {
        var result: [OKXPosition] = []
        for (index, item) in items.enumerated() {
            let reader = OKXFieldReader(path: "\(path)[\(index)]")
            let sideText = reader.text(item.posSide) ?? "net"
            guard let side = PositionSide(rawValue: sideText) else {
                throw OKXDecodeFailure(field: "\(path)[\(index)].posSide", reason: "'\(sideText)' is not net, long or short")
            }
            result.append(OKXPosition(instrument: try reader.instrument(item.instId, "instId"), positionSide: side,
                                      size: try reader.money(item.pos, "pos")?.value ?? .zero,
                                      averagePrice: try reader.price(item.avgPx, "avgPx")))
        }
        return result
    }
}
