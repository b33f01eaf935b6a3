import TradingCore
import TradingTestSupport
@testable import Portfolio

func fill(_ instrument: Instrument, _ side: Side, _ size: String, at price: String, fee: String, _ feeCurrency: String,
          strategy: StrategyName = "alpha", positionSide: PositionSide = .net, time: Timestamp = ms(1_000),
          order: String = "o") -> Fill {
    Fill(clientOrderId: ClientOrderId(order), venueOrderId: VenueOrderId("PAPER-\(order)"), strategy: strategy,
         instrument: instrument.id, side: side, positionSide: positionSide, price: px(price), quantity: qty(size),
         fee: money(fee), feeCurrency: feeCurrency, liquidity: .taker, timestamp: time)
}
