import StrategyKitTesting

/// A strategy that shows the tester what it saw: it buys `order_quantity` at market on its first
/// trade (or first confirmed candle) and keeps the time of every callback; it throws on trade
/// number `throw_on_trade` if set.
final class Probe: Strategy {
    struct Parameters: Decodable {
        var orderQuantity: Quantity
        var buyOnFirstTrade: Bool?
        var throwOnTrade: Int?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let context: StrategyContext
    let parameters: Parameters
    private(set) var startedAt: Timestamp?
    private(set) var tradesSeen: [Timestamp] = []
    private(set) var candlesSeen: [Timestamp] = []
    private(set) var fillsSeen = 0

    init(context: StrategyContext, parameters: Parameters) throws {
        try require(!parameters.orderQuantity.isZero, "order_quantity", "must be positive")
        self.context = context
        self.parameters = parameters
    }

    func start() throws { startedAt = context.now }

    func onTrade(_ trade: TradeTick) throws {
        tradesSeen.append(context.now)
        if tradesSeen.count == parameters.throwOnTrade { throw Failure(description: "probe threw on trade \(tradesSeen.count)") }
        if tradesSeen.count == 1, parameters.buyOnFirstTrade ?? true {
            try context.buyMarket(trade.instrument, quantity: parameters.orderQuantity)
        }
    }

    func onCandle(_ candle: Candle) throws {
        guard candle.isConfirmed != false else { return }
        candlesSeen.append(context.now)
        if candlesSeen.count == 1 { try context.buyMarket(candle.instrument, quantity: parameters.orderQuantity) }
    }

    func onFill(_ fill: Fill) throws { fillsSeen += 1 }
}
