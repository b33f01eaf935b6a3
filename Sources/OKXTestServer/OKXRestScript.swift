/// What the local OKX REST server serves: candle and trade series per instrument (oldest first),
/// paged the way OKX's `history-candles` and `history-trades` page them, and the faults it injects.
public struct OKXRestScript: Sendable {
    /// One candle row as OKX sends it: `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`.
    public typealias CandleRow = [String]

    /// One public trade.
    public struct TradeRow: Sendable, Hashable {
        public var tradeId: String
        public var price: String
        public var size: String
        public var side: String
        public var time: Int64
        public init(tradeId: String, price: String, size: String, side: String, time: Int64) {
            self.tradeId = tradeId; self.price = price; self.size = size; self.side = side; self.time = time
        }
    }

    /// A scripted misbehaviour for one request (numbered from 1 over all requests).
    public enum Fault: Sendable, Hashable {
        /// HTTP 429 with OKX's rate-limit body (code 50011).
        case tooManyRequests
        /// HTTP 503 with OKX's "service temporarily unavailable" body (code 50001).
        case serviceUnavailable
        /// The status line, headers and half the body, then the connection is closed.
        case dropMidResponse
        /// No answer at all; the connection stays open (see ``holdFrom``).
        case hold
    }

    /// Candles per instrument and bar (OKX's spelling, e.g. `1m`), oldest first.
    public var candles: [String: [String: [CandleRow]]]
    /// Trades per instrument, oldest first (ids growing).
    public var trades: [String: [TradeRow]]
    /// `GET /api/v5/public/instruments` bodies by `instType` (for OPTION: by `instType`/`instFamily`,
    /// e.g. `OPTION/BTC-USD`), served as they are: OKX's real responses.
    public var instruments: [String: String]
    /// `GET /api/v5/market/books` bodies by `instId`, served as they are.
    public var books: [String: String]
    /// Faults by request number.
    public var faults: [Int: Fault]
    /// Requests numbered from this one on are never answered (``Fault/hold``): a client is
    /// stopped part way for certain, however slow or fast the machine. Nil answers every request.
    public var holdFrom: Int?
    /// OKX's limit, enforced as OKX does: more than `limit` requests in `window` get a 429.
    public var rateLimit: Int
    public var rateWindow: Duration

    public init(candles: [String: [String: [CandleRow]]] = [:], trades: [String: [TradeRow]] = [:], instruments: [String: String] = [:],
                books: [String: String] = [:], faults: [Int: Fault] = [:], holdFrom: Int? = nil, rateLimit: Int = 20,
                rateWindow: Duration = .seconds(2)) {
        self.candles = candles
        self.trades = trades
        self.instruments = instruments
        self.books = books
        self.faults = faults
        self.holdFrom = holdFrom
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
    }

    /// A response: status and body.
    public struct Response: Sendable, Hashable {
        public var status: Int
        public var body: String
    }

    /// OKX's answer to a GET of `path` with `query`, the faults aside.
    public func respond(path: String, query: [String: String]) -> Response {
        let limit = min(100, max(1, Int(query["limit"] ?? "100") ?? 100))
        let instrument = query["instId"] ?? ""
        switch path {
        case "/api/v5/market/history-candles":
            guard let bar = query["bar"] else { return Self.error(400, code: "50014", "Parameter bar can not be empty") }
            guard let series = candles[instrument] else { return Self.error(200, code: "51001", "Instrument ID does not exist") }
            guard let rows = series[bar] else { return Self.error(400, code: "51000", "Parameter bar error") }
            let after = query["after"].flatMap { Int64($0) }, before = query["before"].flatMap { Int64($0) }
            // Newest first: the newest `limit` rows older than `after` and newer than `before`.
            let page = rows.reversed().filter { row in
                guard let time = Int64(row[0]) else { return false }
                return (after.map { time < $0 } ?? true) && (before.map { time > $0 } ?? true)
            }.prefix(limit)
            return Response(status: 200, body: OKXTestJSON.envelope(page.map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" }))
        case "/api/v5/market/history-trades":
            guard let rows = trades[instrument] else { return Self.error(200, code: "51001", "Instrument ID does not exist") }
            let byTime = query["type"] == "2"
            func key(_ row: TradeRow) -> Int64 { byTime ? row.time : (Int64(row.tradeId) ?? 0) }
            let after = query["after"].flatMap { Int64($0) }, before = query["before"].flatMap { Int64($0) }
            let page = rows.reversed().filter { row in
                (after.map { key(row) < $0 } ?? true) && (before.map { key(row) > $0 } ?? true)
            }.prefix(limit)
            return Response(status: 200, body: OKXTestJSON.envelope(page.map { row in
                #"{"instId":"\#(instrument)","side":"\#(row.side)","sz":"\#(row.size)","px":"\#(row.price)","source":"0","tradeId":"\#(row.tradeId)","ts":"\#(row.time)"}"#
            }))
        case "/api/v5/market/books":
            guard let body = books[instrument] else { return Self.error(200, code: "51001", "Instrument ID does not exist") }
            return Response(status: 200, body: body)
        case "/api/v5/public/instruments":
            guard let type = query["instType"] else { return Self.error(400, code: "50014", "Parameter instType can not be empty") }
            let key = type == "OPTION" ? "OPTION/" + (query["instFamily"] ?? query["uly"] ?? "") : type
            guard let body = instruments[key] else { return Self.error(400, code: "51000", "Parameter instType error") }
            return Response(status: 200, body: body)
        default:
            return Response(status: 404, body: #"{"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}"#)
        }
    }

    /// The response of a scripted fault (nil for a dropped connection, which cuts the real page).
    public static func response(for fault: Fault) -> Response? {
        switch fault {
        case .tooManyRequests: error(429, code: "50011", "Too Many Requests")
        case .serviceUnavailable: error(503, code: "50001", "Service temporarily unavailable. Please try again later.")
        case .dropMidResponse, .hold: nil
        }
    }

    static func error(_ status: Int, code: String, _ message: String) -> Response {
        Response(status: status, body: OKXTestJSON.error(code: code, message))
    }
}
