import TradingCore

/// How orders are placed on this account: OKX's `tdMode` and `posSide` depend on the account mode
/// (`acctLv`) and position mode (`posMode`), which the start-up check reads from `/account/config`.
public struct OKXOrderDefaults: Sendable, Hashable {
    /// `tdMode` for spot orders: `cash` on a spot or futures account, `cross` on a multi-currency or
    /// portfolio margin account.
    public var spotTradeMode: String
    /// `tdMode` for swaps and futures: `cross` or `isolated`.
    public var derivativeTradeMode: String
    /// Whether the account is in `long_short_mode` (then `posSide` must be sent for derivatives).
    public var longShortPositionMode: Bool

    public init(spotTradeMode: String = "cash", derivativeTradeMode: String = "cross", longShortPositionMode: Bool = false) {
        self.spotTradeMode = spotTradeMode
        self.derivativeTradeMode = derivativeTradeMode
        self.longShortPositionMode = longShortPositionMode
    }
}

extension OKXOrderDefaults {
    /// Why OKX would refuse `request` on this account, checked before anything is sent: a wrong
    /// `clOrdId` or `posSide` is the most reported peer failure (`51000`), and a `posSide` the account
    /// mode ignores would trade a different position than the strategy meant.
    public func refusal(of request: OrderRequest) -> String? {
        if (try? ClientOrderId(validating: request.clientOrderId.rawValue)) == nil {
            return "clOrdId '\(request.clientOrderId)' is not 1 to 32 ASCII letters and digits; OKX would refuse it (51000)"
        }
        guard request.instrument.kind != .spot else {
            return request.positionSide == .net ? nil
                : "positionSide \(request.positionSide.rawValue) on spot \(request.instrument): spot orders have no position side"
        }
        if longShortPositionMode, request.positionSide == .net {
            return "the account is in long/short position mode: an order on \(request.instrument) must say long or short, not net"
        }
        if !longShortPositionMode, request.positionSide != .net {
            return "the account is in net position mode: positionSide \(request.positionSide.rawValue) on \(request.instrument) would trade the net position"
        }
        if longShortPositionMode, request.reduceOnly {
            return "reduceOnly is only accepted in net position mode; in long/short mode close by trading the position side"
        }
        return nil
    }
}

/// A place request, ready to be signed and sent (`POST /api/v5/trade/order`).
public struct OKXPlaceRequest: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `clOrdId`: unique forever (``OKXClientOrderIdGenerator``).
    public var clientOrderId: ClientOrderId
    /// `side`.
    public var side: Side
    /// `ordType`.
    public var orderType: OrderType
    /// `sz`: base units for spot (with `tgtCcy=base_ccy` for market orders), contracts otherwise.
    public var size: Quantity
    /// `px`; sent only for limit-priced types.
    public var price: Price?
    /// `tdMode` (``OKXOrderDefaults``).
    public var tradeMode: String
    /// Sent only for derivatives in long/short mode.
    public var positionSide: PositionSide?
    /// `reduceOnly`; derivatives only.
    public var reduceOnly: Bool
    /// `expTime` (venue clock): OKX discards the request if it is processed later (`50037`). Sent as
    /// the `expTime` header over REST (``OKXRequestSigner/restHeaders(method:requestPath:body:at:expiresAt:)``),
    /// or as the op's top-level `expTime` over the WebSocket; never optional.
    public var expiresAt: Timestamp

    /// The REST path.
    public static let path = "/api/v5/trade/order"

    /// The JSON body, keys in a fixed order (the signature covers these exact bytes).
    ///
    /// Spot market orders carry `tgtCcy=base_ccy` (OKX's default for buys is the quote currency,
    /// which would read our base-unit size as USDT) and `banAmend=true` (else OKX may shrink the
    /// size to the balance and still report `filled`).
    public var body: String {
        var fields: [(String, OKXJSON.Value)] = [
            ("instId", .string(instrument.symbol)), ("tdMode", .string(tradeMode)), ("clOrdId", .string(clientOrderId.rawValue)),
            ("side", .string(side.rawValue)), ("ordType", .string(orderType.rawValue)), ("sz", .string(size.description)),
        ]
        if let price, orderType.hasLimitPrice { fields.append(("px", .string(price.description))) }
        if let positionSide { fields.append(("posSide", .string(positionSide.rawValue))) }
        if reduceOnly { fields.append(("reduceOnly", .bool(true))) }
        if instrument.kind == .spot, orderType == .market {
            fields.append(("tgtCcy", .string("base_ccy")))
            fields.append(("banAmend", .bool(true)))
        }
        return OKXJSON.object(fields)
    }
}

/// A cancel request (`POST /api/v5/trade/cancel-order`): by OKX's id when known, else by ours.
public struct OKXCancelRequest: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// Our id, used when OKX's is not known.
    public var clientOrderId: ClientOrderId
    /// `ordId`, preferred when known.
    public var venueOrderId: VenueOrderId?

    /// The REST path.
    public static let path = "/api/v5/trade/cancel-order"

    /// The JSON body (sign these exact bytes).
    public var body: String {
        var fields: [(String, OKXJSON.Value)] = [("instId", .string(instrument.symbol))]
        if let venueOrderId { fields.append(("ordId", .string(venueOrderId.rawValue))) } else { fields.append(("clOrdId", .string(clientOrderId.rawValue))) }
        return OKXJSON.object(fields)
    }
}

/// An amend request (`POST /api/v5/trade/amend-order`). `newSz` is the total size including what
/// has filled, the same convention as ``ExecutionVenue/amend(_:quantity:price:at:events:)``.
public struct OKXAmendRequest: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// Our id, used when OKX's is not known.
    public var clientOrderId: ClientOrderId
    /// `ordId`, preferred when known.
    public var venueOrderId: VenueOrderId?
    /// `reqId`: echoed in the `orders` push that carries the amendment's result.
    public var requestId: String
    /// `newSz`: the new total size, including what has filled.
    public var newSize: Quantity?
    /// `newPx`.
    public var newPrice: Price?
    /// `expTime` (venue clock), sent like ``OKXPlaceRequest/expiresAt``.
    public var expiresAt: Timestamp

    /// The REST path.
    public static let path = "/api/v5/trade/amend-order"

    /// The JSON body (sign these exact bytes).
    public var body: String {
        var fields: [(String, OKXJSON.Value)] = [("instId", .string(instrument.symbol))]
        if let venueOrderId { fields.append(("ordId", .string(venueOrderId.rawValue))) } else { fields.append(("clOrdId", .string(clientOrderId.rawValue))) }
        fields.append(("reqId", .string(requestId)))
        if let newSize { fields.append(("newSz", .string(newSize.description))) }
        if let newPrice { fields.append(("newPx", .string(newPrice.description))) }
        return OKXJSON.object(fields)
    }
}

/// A lookup of one order by our id (`GET /api/v5/trade/order?instId=&clOrdId=`): the way an
/// in-doubt order is resolved.
public struct OKXOrderLookup: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `clOrdId` to look up.
    public var clientOrderId: ClientOrderId

    /// The request path with its query (the signature covers the query).
    public var requestPath: String { "/api/v5/trade/order?instId=\(instrument.symbol)&clOrdId=\(clientOrderId.rawValue)" }
}

/// A fetch of one order's fills (`GET /api/v5/trade/fills?instId=&ordId=`): fills a gap between
/// `accFillSz` and the fills seen.
public struct OKXFillsFetch: Sendable, Hashable {
    /// `instId`.
    public var instrument: InstrumentId
    /// `ordId` whose fills to fetch.
    public var venueOrderId: VenueOrderId

    /// The request path with its query (the signature covers the query).
    public var requestPath: String { "/api/v5/trade/fills?instId=\(instrument.symbol)&ordId=\(venueOrderId.rawValue)" }
}

/// Minimal JSON text building for request bodies, keys in the given order. Numbers go as strings
/// (OKX's convention, and exact decimals); flags such as `reduceOnly` are JSON booleans.
enum OKXJSON {
    enum Value: Hashable {
        case string(String)
        case bool(Bool)
    }

    static func object(_ fields: [(String, Value)]) -> String {
        "{" + fields.map { name, value in
            switch value {
            case .string(let text): JSONString.quoted(name) + ":" + JSONString.quoted(text)
            case .bool(let flag): JSONString.quoted(name) + ":\(flag)"
            }
        }.joined(separator: ",") + "}"
    }
}
