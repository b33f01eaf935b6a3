import StrategyKit
import TradingCore

/// An inventory-aware market maker: keeps one post-only bid and one post-only ask around the mid
/// of the book, `half_spread_bps` away from a center that is skewed against its inventory (long
/// inventory lowers both quotes so it sells more readily and buys less, short raises them). It
/// stops quoting the side that would take inventory beyond `max_inventory`, and re-quotes (cancel
/// and replace) when the wanted price moves more than `requote_bps` from the working one, at most
/// once per `min_requote_ms` per side.
///
/// Without `allow_short` (spot) it only offers what it holds.
public final class MarketMaker: Strategy {
    /// The manifest's `parameters:`.
    public struct Parameters: Decodable, Sendable {
        /// Size of each quote (base units for spot, contracts for swaps).
        public var orderQuantity: Quantity
        /// Distance of each quote from the (skewed) center, in basis points of the mid.
        public var halfSpreadBps: Double
        /// The largest position, long or short, the maker will hold.
        public var maxInventory: Quantity
        /// How far the center moves at full inventory, in basis points (default: the half spread).
        public var skewBps: Double?
        /// Re-quote when the wanted price is this many basis points from the working one (default 1).
        public var requoteBps: Double?
        /// The least time between two re-quotes of one side, in milliseconds (default 250).
        public var minRequoteMs: Int?
        /// Whether the maker may go short (default false: it offers only inventory it holds).
        public var allowShort: Bool?
    }

    private let context: StrategyContext
    private let parameters: Parameters
    private let skewBps: Double
    private let requoteBps: Double
    private let minRequoteNanoseconds: Int64
    private let allowShort: Bool
    /// When each instrument's bid and ask were last (re)placed.
    private let lastQuoteTime: PerInstrument<[Side: Timestamp]>

    /// Checks the parameters.
    public init(context: StrategyContext, parameters: Parameters) throws {
        try require(!parameters.orderQuantity.isZero, "order_quantity", "must be positive")
        try require(parameters.halfSpreadBps > 0 && parameters.halfSpreadBps < 5000, "half_spread_bps",
                    "must be between 0 and 5000 (exclusive), got \(parameters.halfSpreadBps)")
        try require(parameters.maxInventory >= parameters.orderQuantity, "max_inventory",
                    "must be at least order_quantity (\(parameters.orderQuantity)), got \(parameters.maxInventory)")
        let skew = parameters.skewBps ?? parameters.halfSpreadBps
        try require(skew >= 0, "skew_bps", "must not be negative, got \(skew)")
        let requote = parameters.requoteBps ?? 1
        try require(requote >= 0, "requote_bps", "must not be negative, got \(requote)")
        let minRequote = parameters.minRequoteMs ?? 250
        try require(minRequote >= 0, "min_requote_ms", "must not be negative, got \(minRequote)")
        self.context = context
        self.parameters = parameters
        self.skewBps = skew
        self.requoteBps = requote
        self.minRequoteNanoseconds = Int64(minRequote) * 1_000_000
        self.allowShort = parameters.allowShort ?? false
        self.lastQuoteTime = try context.perInstrument { _ in [:] }
    }

    /// Pulls every quote when stopping (inventory is left for the operator to decide on).
    public func stop() throws {
        context.cancelAll()
    }

    /// Re-computes both quotes on every book change.
    public func onBook(_ book: OrderBook) throws {
        guard let instrument = context.instrument(book.instrument), !book.isCrossedOrLocked,
              let bestBid = book.bestBid?.price, let bestAsk = book.bestAsk?.price, let mid = book.mid else { return }
        let inventory = context.position(instrument.id).netQuantity
        let maximum = parameters.maxInventory.value
        let ratio = max(-1, min(1, inventory.doubleValue / maximum.doubleValue))
        let center = mid.value.doubleValue * (1 - skewBps * ratio / 10_000)
        let halfSpread = mid.value.doubleValue * parameters.halfSpreadBps / 10_000

        // Post-only quotes must not cross: keep the bid below the best ask and the ask above the best bid.
        var bid: Price?
        if let wanted = Price(approximating: center - halfSpread) {
            let onGrid = instrument.roundPrice(wanted, .down)
            let ceiling = Price(bestAsk.value - instrument.tickSize.value)
            bid = min(onGrid, ceiling)
        }
        var ask: Price?
        if let wanted = Price(approximating: center + halfSpread) {
            ask = max(instrument.roundPrice(wanted, .up), Price(bestBid.value + instrument.tickSize.value))
        }

        let buyRoom = maximum - inventory
        let bidSize = parameters.orderQuantity.value <= buyRoom ? parameters.orderQuantity : nil
        var askSize: Quantity?
        let sellRoom = allowShort ? maximum + inventory : inventory
        if sellRoom.isPositive {
            let size = instrument.roundQuantity(Quantity(min(parameters.orderQuantity.value, sellRoom)))
            if !size.isZero, size >= instrument.minSize { askSize = size }
        }
        try maintainQuote(on: instrument, side: .buy, price: bid.flatMap { $0.isZero ? nil : $0 }, size: bidSize)
        try maintainQuote(on: instrument, side: .sell, price: ask, size: askSize)
    }

    /// Logs refusals (e.g. a post-only quote that would have crossed); the next book re-quotes.
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        context.logger.debug("quote \(rejection.clientOrderId) refused: \(rejection.reason)")
    }

    /// Keeps at most one working quote on `side` at about `price`; nil price or size pulls it.
    private func maintainQuote(on instrument: Instrument, side: Side, price: Price?, size: Quantity?) throws {
        let working = context.openOrders(for: instrument.id).filter { $0.side == side && $0.state != .pendingCancel }
        guard let price, let size else {
            for order in working { try context.cancel(order.clientOrderId) }
            return
        }
        if let current = working.first, working.count == 1, let currentPrice = current.price {
            let distance = abs(currentPrice.value.doubleValue - price.double) / price.double * 10_000
            let sameSize = current.remainingQuantity == size || !current.filledQuantity.isZero
            if (distance <= requoteBps && sameSize) || current.state == .pendingNew { return }
        }
        let now = context.now
        if !working.isEmpty, let last = lastQuoteTime[instrument.id][side], now.nanoseconds(since: last) < minRequoteNanoseconds {
            return
        }
        for order in working { try context.cancel(order.clientOrderId) }
        try context.submit(instrument.id, side, .postOnly, quantity: size, price: price)
        lastQuoteTime[instrument.id][side] = now
    }
}
