import OKXTrading
import TradingCore

extension OKXRestClient {
    /// `POST /api/v5/trade/order` with `expTime`.
    public func place(_ request: OKXPlaceRequest) async -> OKXOrderCallResult {
        orderCall(await send(.post, OKXPlaceRequest.path, body: request.body, expiresAt: request.expiresAt), what: "place")
    }

    /// `POST /api/v5/trade/cancel-order`.
    public func cancel(_ request: OKXCancelRequest) async -> OKXOrderCallResult {
        orderCall(await send(.post, OKXCancelRequest.path, body: request.body), what: "cancel")
    }

    /// `POST /api/v5/trade/amend-order` with `expTime`.
    public func amend(_ request: OKXAmendRequest) async -> OKXOrderCallResult {
        orderCall(await send(.post, OKXAmendRequest.path, body: request.body, expiresAt: request.expiresAt), what: "amend")
    }

    /// Reads an order answer. A 429 without OKX's body still means "not executed, rate-limited"; a
    /// 5xx or an unreadable answer means the outcome is unknown.
    private func orderCall(_ result: Result<Answer, OKXTransportFailure>, what: String) -> OKXOrderCallResult {
        switch result {
        case .failure(let failure):
            return .failed(failure)
        case .success(let answer):
            if (500...599).contains(answer.status) {
                return .failed(OKXTransportFailure(written: true, reason: "\(what): HTTP \(answer.status) \(answer.body.prefix(200))"))
            }
            if let ack = try? codec.decodeOrderAcks(answer.body).first {
                if ack.errorClass != .success {
                    logger.info("okx rest: order request refused", metadata: ["request": "\(what)", "code": "\(ack.code)", "message": "\(ack.message)"])
                }
                return .answered(ack)
            }
            if answer.status == 429 {
                return .answered(OKXOrderAck(clientOrderId: nil, venueOrderId: nil, code: "50011", message: "HTTP 429 Too Many Requests"))
            }
            return .failed(OKXTransportFailure(written: true, reason: "\(what): unreadable answer (HTTP \(answer.status)): \(answer.body.prefix(200))"))
        }
    }

    /// `GET /api/v5/trade/order?instId=&clOrdId=`.
    public func lookup(_ lookup: OKXOrderLookup) async -> OKXLookupResult {
        switch await send(.get, lookup.requestPath) {
        case .failure(let failure):
            return .failed(failure.reason)
        case .success(let answer):
            switch try? codec.decodeOrders(answer.body) {
            case .orders(let orders)?:
                guard let order = orders.first else { return .notFound }
                return .found(order)
            case .notFound?:
                return .notFound
            case .failed(let ack)?:
                return .failed("OKX \(ack.code): \(ack.message)")
            case nil:
                return .failed("unreadable answer (HTTP \(answer.status)): \(answer.body.prefix(200))")
            }
        }
    }

    /// `GET /api/v5/trade/fills?instId=&ordId=`: one order's fills.
    public func fills(_ fetch: OKXFillsFetch) async -> Result<[OKXFillDetail], OKXQueryError> {
        await query(fetch.requestPath) { text throws(OKXDecodeFailure) in try codec.decodeFills(text) }
    }

    /// `GET /api/v5/trade/fills`: the account's fills of the last three days, every page.
    public func recentFills() async -> Result<[OKXFillDetail], OKXQueryError> {
        await pages("/api/v5/trade/fills") { text throws(OKXDecodeFailure) in try codec.decodeFillsPage(text) }
    }

    /// `GET /api/v5/trade/orders-pending`: every open order of the account, every page.
    public func pendingOrders() async -> Result<[OKXOrderUpdate], OKXQueryError> {
        await pages("/api/v5/trade/orders-pending") { text throws(OKXDecodeFailure) in
            switch try codec.decodeOrders(text) {
            case .orders(let orders): return (orders, orders.last?.venueOrderId.rawValue)
            case .notFound: return ([], nil)
            case .failed(let ack): throw OKXDecodeFailure(field: "code", reason: "is \(ack.code) (\(ack.message))")
            }
        }
    }

    /// OKX answers these lists newest first, at most `pageLimit` per page; the next page is the one
    /// `after` the last item's cursor. A reconciliation that saw only the first page would miss
    /// open orders and fills of a busy account.
    private func pages<Item>(_ path: String, _ read: (String) throws(OKXDecodeFailure) -> ([Item], String?))
        async -> Result<[Item], OKXQueryError> {
        var all: [Item] = []
        var after: String?
        for _ in 0..<Self.maximumPages {
            let page = await query(path + "?limit=\(Self.pageLimit)" + (after.map { "&after=\($0)" } ?? ""), read)
            switch page {
            case .failure(let error):
                return .failure(error)
            case .success(let (items, cursor)):
                all += items
                guard items.count == Self.pageLimit, let cursor, cursor != after else { return .success(all) }
                after = cursor
            }
        }
        return .failure(OKXQueryError(request: "GET \(path)", reason: "more than \(Self.maximumPages) pages of \(Self.pageLimit)"))
    }

    /// OKX's largest page of orders and fills.
    static let pageLimit = 100
    /// 10,000 records: beyond that, something is wrong with the account or with the answers.
    static let maximumPages = 100

    /// `GET /api/v5/account/positions`.
    public func positions() async -> Result<[OKXPosition], OKXQueryError> {
        await query("/api/v5/account/positions") { text throws(OKXDecodeFailure) in try codec.decodePositions(text) }
    }

    /// `GET /api/v5/account/config`: account and position mode, for the start-up check.
    public func accountConfiguration() async -> Result<OKXAccountConfiguration, OKXQueryError> {
        await query("/api/v5/account/config") { text throws(OKXDecodeFailure) in try codec.decodeAccountConfiguration(text) }
    }

    /// `POST /api/v5/trade/cancel-all-after`: arms, refreshes or (timeOut 0) disarms OKX's dead-man switch.
    public func cancelAllAfter(_ request: OKXDeadManSwitch.Request) async -> Result<Void, OKXQueryError> {
        let path = OKXDeadManSwitch.Request.path
        switch await send(.post, path, body: request.body) {
        case .failure(let failure):
            return .failure(OKXQueryError(request: "POST \(path)", reason: failure.reason, errorClass: nil))
        case .success(let answer):
            let ack = try? codec.decodeOrderAcks(answer.body).first
            guard answer.status == 200, let ack, ack.errorClass == .success else {
                return .failure(OKXQueryError(request: "POST \(path)", reason: "HTTP \(answer.status): \(answer.body.prefix(200))",
                                              errorClass: ack.map(\.errorClass)))
            }
            return .success(())
        }
    }

    /// `GET /api/v5/public/time`, recorded as a clock-offset sample; returns OKX's time.
    @discardableResult
    public func measureClock() async -> Result<Timestamp, OKXQueryError> {
        let sentAt = clock.localNow()
        let result = await query("/api/v5/public/time", signed: false) { text throws(OKXDecodeFailure) in try codec.decodeServerTime(text) }
        if case .success(let serverTime) = result {
            clock.record(sentAt: sentAt, receivedAt: clock.localNow(), serverTime: serverTime)
        }
        return result
    }

    /// A GET whose answer `read` decodes; OKX's error codes and transport failures become ``OKXQueryError``.
    private func query<Value>(_ path: String, signed: Bool = true,
                              _ read: (String) throws(OKXDecodeFailure) -> Value) async -> Result<Value, OKXQueryError> {
        switch await send(.get, path, signed: signed) {
        case .failure(let failure):
            return .failure(OKXQueryError(request: "GET \(path)", reason: failure.reason, errorClass: nil))
        case .success(let answer):
            do {
                return .success(try read(answer.body))
            } catch {
                let code = (try? codec.decodeOrderAcks(answer.body).first)?.code
                return .failure(OKXQueryError(request: "GET \(path)", reason: "HTTP \(answer.status): \(error)",
                                              errorClass: code.map { OKXErrorClass(httpStatus: answer.status, code: $0) }, code: code))
            }
        }
    }
}
