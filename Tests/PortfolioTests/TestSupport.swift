import TradingCore
@testable import Portfolio

/// Exact decimals from literals (test-only: a malformed literal is a bug in the test).
func fp(_ text: String) -> FixedPoint {
    guard let value = FixedPoint(text) else { preconditionFailure("bad decimal literal \(text)") }
    return value
}
func px(_ text: String) -> Price { Price(fp(text)) }
func qty(_ text: String) -> Quantity { Quantity(fp(text)) }
func money(_ text: String) -> Money { Money(fp(text)) }
func ms(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: milliseconds) }

func instrumentId(_ symbol: String) -> InstrumentId {
    guard let id = try? InstrumentId(parsing: symbol) else { preconditionFailure("bad instrument \(symbol)") }
    return id
}

let ethSpot = Instrument(id: instrumentId("ETH-USDT"), tickSize: px("0.01"), lotSize: qty("0.0001"), minSize: qty("0.001"))
let btcSwap = Instrument(id: instrumentId("BTC-USDT-SWAP"), tickSize: px("0.1"), lotSize: qty("0.01"), minSize: qty("0.01"),
                         contractValue: qty("0.01"), contractCurrency: "BTC")

func fill(_ instrument: Instrument, _ side: Side, _ size: String, at price: String, fee: String, _ feeCurrency: String,
          strategy: StrategyName = "alpha", positionSide: PositionSide = .net, time: Timestamp = ms(1_000),
          order: String = "o") -> Fill {
    Fill(clientOrderId: ClientOrderId(order), venueOrderId: VenueOrderId("PAPER-\(order)"), strategy: strategy,
         instrument: instrument.id, side: side, positionSide: positionSide, price: px(price), quantity: qty(size),
         fee: money(fee), feeCurrency: feeCurrency, liquidity: .taker, timestamp: time)
}
