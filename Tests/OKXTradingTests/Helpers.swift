import Execution
import Foundation
import TradingCore
import TradingTestSupport
@testable import OKXTrading

/// The repository's copies of real OKX private messages (see Tests/Fixtures/README.md).
func fixtureLines(_ relativePath: String) throws -> [String] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/okx").appendingPathComponent(relativePath)
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
}

let btcUsdtSwap = instrumentId("BTC-USDT-SWAP")
let btcUsdt = instrumentId("BTC-USDT")

func request(_ id: String = "r00000000a1", _ instrument: InstrumentId = btcUsdtSwap, _ side: Side = .buy, _ type: OrderType = .limit,
             size: String = "5", price: String? = "60000", at time: Int64 = 1_000) -> OrderRequest {
    OrderRequest(clientOrderId: ClientOrderId(id), strategy: "alpha", instrument: instrument, side: side, type: type,
                 quantity: qty(size), price: price.map(px), createdAt: ms(time))
}

/// A new order, with its actions so far.
func submitted(_ request: OrderRequest = request(), at time: Int64 = 1_000, timing: OKXOrderTiming = OKXOrderTiming())
    -> (OKXOrderStateMachine, [OKXOrderAction]) {
    var actions: [OKXOrderAction] = []
    let machine = OKXOrderStateMachine.submit(request, defaults: OKXOrderDefaults(), timing: timing, mode: .live,
                                              decisionMid: nil, at: ms(time), actions: &actions)
    return (machine, actions)
}

func ack(_ code: String = "0", ordId: String? = "9001", clOrdId: String = "r00000000a1", message: String = "") -> OKXOrderAck {
    OKXOrderAck(clientOrderId: ClientOrderId(clOrdId), venueOrderId: ordId.map(VenueOrderId.init), code: code, message: message)
}

func fill(_ tradeId: String, _ size: String, at price: String = "60000", fee: String = "0.24", ordId: String = "9001",
          clOrdId: String? = "r00000000a1", instrument: InstrumentId = btcUsdtSwap, time: Int64 = 2_000) -> OKXFillDetail {
    OKXFillDetail(instrument: instrument, tradeId: TradeId(tradeId), venueOrderId: VenueOrderId(ordId),
                  clientOrderId: clOrdId.map { ClientOrderId($0) }, price: px(price), quantity: qty(size), fee: money(fee),
                  feeCurrency: "USDT", liquidity: .maker, time: ms(time))
}

func update(_ state: OKXVenueOrderState, filled accFillSz: String = "0", fill: OKXFillDetail? = nil, size: String = "5",
            price: String? = "60000", average: String? = nil, ordId: String = "9001", clOrdId: String? = "r00000000a1",
            instrument: InstrumentId = btcUsdtSwap, side: Side = .buy, cancelSource: String? = nil, fee: String? = nil,
            reqId: String? = nil, amendResult: String? = nil) -> OKXOrderUpdate {
    OKXOrderUpdate(instrument: instrument, venueOrderId: VenueOrderId(ordId), clientOrderId: clOrdId.map { ClientOrderId($0) },
                   state: state, side: side, orderType: "limit", size: qty(size), price: price.map(px),
                   accumulatedFillSize: qty(accFillSz), averagePrice: average.map(px), fill: fill,
                   accumulatedFee: fee.map(money), feeCurrency: "USDT", cancelSource: cancelSource,
                   amendRequestId: reqId, amendResult: amendResult)
}

extension Array where Element == OKXOrderAction {
    var places: [OKXPlaceRequest] { compactMap { if case .place(let request) = $0 { request } else { nil } } }
    var lookups: [OKXOrderLookup] { compactMap { if case .lookup(let lookup) = $0 { lookup } else { nil } } }
    var fetches: [OKXFillsFetch] { compactMap { if case .fetchFills(let fetch) = $0 { fetch } else { nil } } }
    var events: [VenueEvent] { compactMap { if case .emit(let event) = $0 { event } else { nil } } }
    var fills: [Fill] { events.compactMap { if case .filled(let fill, _) = $0 { fill } else { nil } } }
    var accepts: Int { events.filter { if case .accepted = $0 { true } else { false } }.count }
    var inferred: [Quantity] { compactMap { if case .inferredFill(let quantity, _, _) = $0 { quantity } else { nil } } }
    var refusals: [String] { compactMap { if case .refused(_, let reason) = $0 { reason } else { nil } } }
    var anomalies: [String] { compactMap { if case .anomaly(let text) = $0 { text } else { nil } } }
    var halts: [String] { compactMap { if case .haltTrading(let reason) = $0 { reason } else { nil } } }
    var inDoubt: Bool { contains { if case .inDoubt = $0 { true } else { false } } }
    var expired: Bool { events.contains { if case .expired = $0 { true } else { false } } }
    var canceled: Bool { events.contains { if case .canceled = $0 { true } else { false } } }
}
