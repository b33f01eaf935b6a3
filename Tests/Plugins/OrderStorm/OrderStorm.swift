import StrategyKit
import TradingCore

/// A test-only strategy that hammers the trading path: on each market event it may send, from
/// a seeded random sequence, market, limit, post-only, IOC and FOK orders (some reduce-only,
/// some far from the touch), cancel or amend a random open order, or flatten. Under tight risk
/// limits its orders are trimmed and refused; the invariant checker then proves that the
/// strategy, the risk engine, the venue and the portfolio never disagree. Same seed, same orders.
public final class OrderStorm: Strategy {
    public struct Parameters: Decodable {
        /// The random sequence's seed.
        var seed: Int
        /// The chance in percent that an event triggers an action.
        var activityPct: Int?
        /// The largest order, in multiples of the instrument's minimum size.
        var maxLots: Int?

        enum CodingKeys: String, CodingKey {
            case seed, activityPct = "activity_pct", maxLots = "max_lots"
        }
    }

    let context: StrategyContext
    var random: SplitMix64
    let activity: UInt64
    let maxLots: UInt64

    public init(context: StrategyContext, parameters: Parameters) throws {
        self.context = context
        self.random = SplitMix64(seed: UInt64(truncatingIfNeeded: parameters.seed))
        self.activity = UInt64(max(0, min(100, parameters.activityPct ?? 20)))
        self.maxLots = UInt64(max(1, parameters.maxLots ?? 40))
    }

    public func onTrade(_ trade: TradeTick) throws { try act(on: trade.instrument, near: trade.price) }
    public func onBook(_ book: OrderBook) throws {
        guard let mid = book.mid else { return }
        try act(on: book.instrument, near: mid)
    }
    public func onFill(_ fill: Fill) throws { try act(on: fill.instrument, near: fill.price) }
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        // Answering a refusal with another order is what makes a work queue grow; do it sometimes.
        if random.below(4) == 0 { try act(on: rejection.command.instrument, near: nil) }
    }
    public func stop() throws {
        for instrument in context.instrumentIds { try context.flatten(instrument) }
    }

    private func act(on instrument: InstrumentId, near reference: Price?) throws {
        guard random.below(100) < activity, let metadata = context.instrument(instrument) else { return }
        let open = context.openOrders(for: instrument).filter { $0.state != .pendingCancel }
        switch random.below(10) {
        case 0 where !open.isEmpty:
            try context.cancel(open[Int(random.below(UInt64(open.count)))].clientOrderId)
        case 1 where !open.isEmpty:
            let order = open[Int(random.below(UInt64(open.count)))]
            let quantity = random.below(2) == 0 ? nil : size(metadata)
            let price = random.below(2) == 0 || order.price == nil ? nil : order.price.map { shifted($0, metadata) }
            if quantity != nil || price != nil { try context.amend(order.clientOrderId, price: price, quantity: quantity) }
        case 2:
            context.cancelAll(instrument)
        case 3:
            try context.flatten(instrument)
        default:
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let types: [OrderType] = [.market, .limit, .postOnly, .ioc, .fok]
            let type = types[Int(random.below(UInt64(types.count)))]
            let reduceOnly = random.below(5) == 0
            var price: Price?
            if type.hasLimitPrice {
                guard let reference else { return }
                price = shifted(reference, metadata)
            }
            try context.submit(instrument, side, type, quantity: size(metadata), price: price, reduceOnly: reduceOnly)
        }
    }

    /// A size of 1 to `maxLots` minimum sizes, on the lot grid.
    private func size(_ metadata: Instrument) -> Quantity {
        let lots = FixedPoint(Int(1 + random.below(maxLots)))
        return metadata.roundQuantity(Quantity((try? metadata.minSize.value.multiplied(by: lots)) ?? metadata.minSize.value))
    }

    /// `price` moved by -20 to +20 ticks, and now and then far away (off the visible book).
    private func shifted(_ price: Price, _ metadata: Instrument) -> Price {
        let ticks = Int(random.below(41)) - 20
        let far = random.below(10) == 0 ? 2_000 : 0
        let steps = FixedPoint(ticks + (ticks < 0 ? -far : far))
        let moved = price.value + ((try? metadata.tickSize.value.multiplied(by: steps)) ?? .zero)
        let rounded = metadata.roundPrice(Price(moved), .down)
        return rounded.value.isPositive ? rounded : metadata.tickSize
    }
}

/// A small, fast, seedable random sequence (Steele, Lea and Flood's SplitMix64): the same seed
/// gives the same orders on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }
}
