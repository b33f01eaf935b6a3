import TradingCore
import TradingTestSupport
@testable import Execution

func level(_ price: String, _ size: String) -> BookLevel { BookLevel(price: px(price), size: qty(size), orderCount: 1) }

func snapshot(_ instrument: Instrument, bids: [BookLevel], asks: [BookLevel], at time: Timestamp) -> MarketEvent {
    .book(BookUpdate(instrument: instrument.id, channel: .books, action: .snapshot, bids: bids, asks: asks, timestamp: time))
}

func update(_ instrument: Instrument, bids: [BookLevel] = [], asks: [BookLevel] = [], at time: Timestamp) -> MarketEvent {
    .book(BookUpdate(instrument: instrument.id, channel: .books, action: .update, bids: bids, asks: asks, timestamp: time))
}

func trade(_ instrument: Instrument, _ price: String, _ size: String, taker side: Side, at time: Timestamp, id: String = "t") -> MarketEvent {
    .trade(TradeTick(instrument: instrument.id, tradeId: TradeId(id), price: px(price), quantity: qty(size), side: side, timestamp: time))
}

func order(_ id: String, _ instrument: Instrument, _ side: Side, _ type: OrderType, _ size: String, price: String? = nil,
           positionSide: PositionSide = .net, at time: Timestamp = ms(1_000)) -> OrderRequest {
    OrderRequest(clientOrderId: ClientOrderId(id), strategy: "alpha", instrument: instrument.id, side: side, type: type,
                 quantity: qty(size), price: price.map(px), positionSide: positionSide, createdAt: time)
}

/// bids 99 × 5; asks 100 × 1, 101 × 2, 103 × 4 (mid 99.5).
func threeLevelVenue(latencyMilliseconds: Int64 = 0, mode: TradingMode = .paper) -> PaperVenue {
    let venue = PaperVenue(instruments: [ethSpot, btcSwap, btcInverse],
                           configuration: PaperVenueConfiguration(latencyMilliseconds: latencyMilliseconds), mode: mode)
    var events: [VenueEvent] = []
    venue.handle(snapshot(ethSpot, bids: [level("99", "5")], asks: [level("100", "1"), level("101", "2"), level("103", "4")],
                          at: ms(500)), events: &events)
    return venue
}

extension Array where Element == VenueEvent {
    var fills: [Fill] { compactMap { if case .filled(let fill, _) = $0 { fill } else { nil } } }
    var cancelReasons: [VenueCancelReason?] { compactMap { if case .canceled(_, let reason) = $0 { reason } else { nil } } }
    var isCanceled: Bool { contains { if case .canceled = $0 { true } else { false } } }
}
