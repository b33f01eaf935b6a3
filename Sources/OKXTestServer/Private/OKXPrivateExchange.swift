import Execution
import Foundation
import TradingCore

/// The fake OKX account behind the private REST and WebSocket endpoints: every order, fill,
/// position and WebSocket session in one value, matched by the real ``PaperVenue`` against the book
/// and trades a test feeds, so fills are the paper venue's real fills. Not thread-safe on its own:
/// the server keeps it behind one lock. Time comes in as arguments (the server's clock).
struct OKXPrivateExchange {
    /// A WebSocket connection's session.
    struct Session {
        var account: OKXTestAccount?
        var channels: Set<String> = []
    }

    let script: OKXPrivateScript
    let venue: PaperVenue
    var faults: [ClientOrderId: OKXPrivateFault]
    /// The fault of every place request without one of its own (``OKXPrivateTestServer/faultEveryPlace(_:)``).
    var everyPlaceFault: OKXPrivateFault?
    /// Orders by `ordId`.
    var orders: [String: OKXTestOrder] = [:]
    /// The newest `ordId` per `clOrdId` (OKX's lookup by `clOrdId` returns the latest match).
    var latestByClientId: [String: String] = [:]
    var ordIdByEngineId: [ClientOrderId: String] = [:]
    var fills: [OKXTestFill] = []
    /// Net positions of derivatives, signed.
    var positions: [InstrumentId: FixedPoint] = [:]
    var sessions: [Int: Session] = [:]
    /// Place requests that reached the matching engine, per `clOrdId` (more than one = a duplicate order).
    var placements: [String: Int] = [:]
    /// `timeOut`s of `cancel-all-after` requests, in order.
    var deadManTimeouts: [Int] = []
    var requests: [OKXTestRequest] = []
    /// Amend `reqId`s waiting for the engine's answer, by `ordId`.
    var pendingAmendments: [String: String] = [:]
    /// Orders whose pushes are sent twice.
    var duplicatePushOrders: Set<String> = []
    private var nextOrdId: Int64 = 612_000_000_000_000_001
    private var nextTradeId: Int64 = 300_000_001
    private var nextEngineId = 1

    init(script: OKXPrivateScript) {
        self.script = script
        self.faults = script.faults
        self.venue = PaperVenue(instruments: script.instruments,
                                configuration: PaperVenueConfiguration(slippageTicks: script.paper.slippageTicks), mode: .live)
    }

    // MARK: Market data

    /// A book or trade from the test, stamped `now`: resting orders may fill.
    mutating func feed(_ event: MarketEvent, now: Timestamp) -> [OKXTestOutgoing] {
        var events: [VenueEvent] = []
        venue.handle(event, events: &events)
        return apply(events, now: now)
    }

    // MARK: Orders

    /// A new order: the real matching engine decides; returns the per-order result and the pushes.
    mutating func place(_ fields: [String: String], duplicatePushes: Bool = false, now: Timestamp) -> (sCode: String, sMessage: String, ordId: String, pushes: [OKXTestOutgoing]) {
        let clOrdId = fields["clOrdId"] ?? ""
        guard let symbol = fields["instId"], let instrument = try? InstrumentId(parsing: symbol),
              script.instruments.contains(where: { $0.id == instrument }) else {
            return ("51001", "Instrument ID or Spread ID doesn't exist.", "", [])
        }
        guard let mode = fields["tdMode"], ["cash", "cross", "isolated"].contains(mode) else { return ("51000", "Parameter tdMode error", "", []) }
        guard let side = fields["side"].flatMap(Side.init(rawValue:)) else { return ("51000", "Parameter side error", "", []) }
        guard let type = fields["ordType"].flatMap(OrderType.init(rawValue:)) else { return ("51000", "Parameter ordType error", "", []) }
        guard let size = fields["sz"].flatMap({ try? Quantity(parsing: $0) }) else { return ("51000", "Parameter sz error", "", []) }
        if instrument.kind == .spot, type == .market, fields["tgtCcy"] != "base_ccy" {
            // OKX would read the size in quote currency: a different order than meant.
            return ("51000", "Parameter tgtCcy error (this server only trades spot market orders in base_ccy)", "", [])
        }
        let price = fields["px"].flatMap { try? Price(parsing: $0) }
        if !clOrdId.isEmpty, let existing = latestByClientId[clOrdId], orders[existing]?.isPending == true {
            return ("51016", "Duplicated clOrdId", "", [])
        }
        let engineId = ClientOrderId("e\(nextEngineId)")
        nextEngineId += 1
        let ordId = String(nextOrdId)
        nextOrdId += 1
        ordIdByEngineId[engineId] = ordId
        if duplicatePushes { duplicatePushOrders.insert(ordId) }
        orders[ordId] = OKXTestOrder(ordId: ordId, clOrdId: clOrdId, instrument: instrument, side: side, orderType: type, size: size,
                                     price: type == .market ? nil : price, state: "pending", filled: .zero, filledNotional: .zero,
                                     fee: .zero, feeCurrency: instrument.kind == .spot && side == .buy ? instrument.base : instrument.quote,
                                     cancelSource: "", createdAt: now, updatedAt: now, engineId: engineId)
        if !clOrdId.isEmpty {
            latestByClientId[clOrdId] = ordId
            placements[clOrdId, default: 0] += 1
        }
        let request = OrderRequest(clientOrderId: engineId, strategy: "okx", instrument: instrument, side: side, type: type,
                                   quantity: size, price: price, createdAt: now)
        var events: [VenueEvent] = []
        do { try venue.submit(request, at: now, events: &events) } catch {
            return ("50000", "\(error)", "", [])
        }
        if case .rejected(_, let reason)? = events.first(where: { if case .rejected = $0 { true } else { false } }) {
            orders[ordId] = nil
            if !clOrdId.isEmpty { latestByClientId[clOrdId] = nil; placements[clOrdId, default: 1] -= 1 }
            return (Self.code(for: reason), reason.description, "", [])
        }
        return ("0", "Order placed", ordId, apply(events, now: now))
    }

    /// A cancel by `ordId` or `clOrdId`.
    mutating func cancel(_ fields: [String: String], now: Timestamp) -> (sCode: String, sMessage: String, order: OKXTestOrder?, pushes: [OKXTestOutgoing]) {
        guard let order = find(fields), order.isPending else {
            return ("51400", "Order cancellation failed as the order has been filled, canceled or does not exist.", find(fields), [])
        }
        var events: [VenueEvent] = []
        try? venue.cancel(order.engineId, at: now, events: &events)
        return ("0", "", order, apply(events, now: now))
    }

    /// An amend by `ordId` or `clOrdId`: the result comes as a push with the `reqId`.
    mutating func amend(_ fields: [String: String], now: Timestamp) -> (sCode: String, sMessage: String, order: OKXTestOrder?, pushes: [OKXTestOutgoing]) {
        guard let order = find(fields), order.isPending else {
            return ("51503", "Order modification failed as the order has been filled, canceled or does not exist.", find(fields), [])
        }
        let size = fields["newSz"].flatMap { try? Quantity(parsing: $0) }
        let price = fields["newPx"].flatMap { try? Price(parsing: $0) }
        guard size != nil || price != nil else { return ("51000", "Parameter newSz or newPx error", order, []) }
        pendingAmendments[order.ordId] = fields["reqId"] ?? ""
        var events: [VenueEvent] = []
        try? venue.amend(order.engineId, quantity: size, price: price, at: now, events: &events)
        return ("0", "", order, apply(events, now: now))
    }

    /// The order a request names (`ordId` first, else the newest with the `clOrdId`).
    func find(_ fields: [String: String]) -> OKXTestOrder? {
        if let ordId = fields["ordId"], !ordId.isEmpty { return orders[ordId] }
        if let clOrdId = fields["clOrdId"], !clOrdId.isEmpty, let ordId = latestByClientId[clOrdId] { return orders[ordId] }
        return nil
    }

    // MARK: Matching-engine events → OKX state and pushes

    mutating func apply(_ events: [VenueEvent], now: Timestamp) -> [OKXTestOutgoing] {
        var pushes: [OKXTestOutgoing] = []
        for event in events {
            guard let ordId = ordIdByEngineId[event.record.clientOrderId], var order = orders[ordId] else { continue }
            order.updatedAt = now
            var fill: OKXTestFill?
            var reqId = "", amendResult = ""
            switch event {
            case .sent, .rejected, .expired, .cancelRejected:
                continue
            case .accepted:
                order.state = "live"
            case .filled(let executed, let record):
                let okxFee = -executed.fee
                let new = OKXTestFill(instrument: order.instrument, tradeId: String(nextTradeId), ordId: ordId, clOrdId: order.clOrdId,
                                      side: order.side, price: executed.price, size: executed.quantity, fee: okxFee,
                                      feeCurrency: executed.feeCurrency, execType: executed.liquidity == .maker ? "M" : "T", time: now)
                nextTradeId += 1
                fills.append(new)
                fill = new
                order.filled = record.filledQuantity
                order.filledNotional += (try? executed.price.value.multiplied(by: executed.quantity.value)) ?? .zero
                order.fee = order.fee + okxFee
                order.feeCurrency = executed.feeCurrency
                order.state = record.status == .filled ? "filled" : "partially_filled"
                if order.instrument.kind != .spot {
                    positions[order.instrument, default: .zero] += executed.quantity.value.times(order.side.sign)
                }
            case .canceled(_, let reason):
                order.state = "canceled"
                order.cancelSource = Self.cancelSource(reason)
            case .amended(let record):
                order.size = record.quantity
                order.price = record.price
                if record.status == .filled { order.state = "filled" }
                reqId = pendingAmendments.removeValue(forKey: ordId) ?? ""
                amendResult = "0"
            case .amendRejected:
                reqId = pendingAmendments.removeValue(forKey: ordId) ?? ""
                amendResult = "-1"
            }
            orders[ordId] = order
            let item = OKXTestJSON.order(order, fill: fill, reqId: reqId, amendResult: amendResult)
            let copies = duplicatePushOrders.contains(ordId) ? 2 : 1
            for _ in 0..<copies { pushes += broadcast(channel: "orders", OKXTestJSON.push(channel: "orders", data: [item])) }
            if fill != nil, order.instrument.kind != .spot {
                let position = OKXTestJSON.position(order.instrument, size: positions[order.instrument] ?? .zero, at: now)
                pushes += broadcast(channel: "positions", OKXTestJSON.push(channel: "positions", eventType: "event_update", data: [position]))
                pushes += broadcast(channel: "balance_and_position", balanceAndPosition(eventType: "filled", positions: [position], now: now))
            }
        }
        return pushes
    }

    static func cancelSource(_ reason: VenueCancelReason?) -> String {
        switch reason {
        case nil: "1"
        case .postOnlyWouldTake: "31"
        case .immediateOrCancelRest: "14"
        case .fillOrKillUnfillable: "13"
        case .noLiquidity, .bookExhausted, .venue: "0"
        }
    }

    static func code(for rejection: VenueRejection) -> String {
        switch rejection {
        case .unknownInstrument, .unsupportedInstrument: "51001"
        case .quantityBelowMinimum: "51020"
        case .quantityOffLotGrid: "51121"
        case .missingLimitPrice, .priceOffTickGrid, .arithmetic, .venue: "51000"
        }
    }

    // MARK: WebSocket sessions

    mutating func broadcast(channel: String, _ text: String) -> [OKXTestOutgoing] {
        sessions.filter { $0.value.account != nil && $0.value.channels.contains(channel) }.keys.sorted()
            .map { OKXTestOutgoing(connection: $0, text: text) }
    }

    func balanceAndPosition(eventType: String, positions: [String], now: Timestamp) -> String {
        let balance = OKXTestJSON.object([("ccy", "USDT"), ("cashBal", "100000"), ("uTime", "\(now.millisecondsSinceEpoch)")])
        return #"{"arg":{"channel":"balance_and_position","uid":"77982378738415879"},"data":[{"pTime":"\#(now.millisecondsSinceEpoch)","eventType":"\#(eventType)","balData":[\#(balance)],"posData":[\#(positions.joined(separator: ","))],"trades":[]}]}"#
    }

    var positionItems: [(InstrumentId, FixedPoint)] {
        positions.filter { !$0.value.isZero }.sorted { $0.key.symbol < $1.key.symbol }.map { ($0.key, $0.value) }
    }
}
