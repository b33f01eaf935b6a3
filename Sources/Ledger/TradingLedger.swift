import Portfolio
import StrategyKit
import TradingCore

/// The one record of what every strategy holds and has working: positions are the
/// ``Portfolio``'s, open orders are this ledger's order book of record. Strategies (through
/// ``StrategyLedger`` views), the risk engine and the invariant checker all read it; nothing keeps
/// a second copy, so they cannot disagree.
///
/// An order enters the book when the risk engine passes it, with the size actually sent (after
/// any trim), and leaves it when the venue reports it finished. In between the book knows what
/// the venue told (accepted, fills, confirmed amends) and what is on its way (a cancel or an
/// amend in flight). Owned by the host's event loop; not thread-safe.
public final class TradingLedger {
    /// Identifies a registered strategy without a name lookup.
    public struct Handle: Hashable, Sendable {
        public let index: Int
    }

    /// One strategy's open orders, oldest first.
    struct OrderBook {
        let name: StrategyName
        /// The strategy's handle in ``TradingLedger/portfolio``.
        let positions: Portfolio.StrategyHandle
        var orders: [OpenOrder] = []
        /// The size an amend in flight asks for, by the same index (nil: no amend in flight; a
        /// price-only amend holds the current size): until the venue answers, exposure counts
        /// the larger of the old and new size.
        var amending: [Quantity?] = []
    }

    /// The positions.
    public let portfolio: Portfolio
    private var books: [OrderBook] = []
    private var handles: [StrategyName: Int] = [:]

    public init(portfolio: Portfolio) {
        self.portfolio = portfolio
    }

    /// The handle of `strategy`, registering it on first use.
    public func handle(for strategy: StrategyName) -> Handle {
        if let index = handles[strategy] { return Handle(index: index) }
        books.append(OrderBook(name: strategy, positions: portfolio.handle(of: strategy)))
        handles[strategy] = books.count - 1
        return Handle(index: books.count - 1)
    }

    /// The read-only view a strategy's context is given.
    public func view(for strategy: StrategyName) -> any StrategyLedger {
        StrategyView(ledger: self, handle: handle(for: strategy))
    }

    /// The registered strategies' names, in registration order.
    public var strategies: [StrategyName] { books.map(\.name) }

    // MARK: Reading

    /// The strategy's open orders, oldest first.
    public func openOrders(of handle: Handle) -> [OpenOrder] { books[handle.index].orders }

    /// The strategy's open orders, oldest first (none for an unknown strategy).
    public func openOrders(of strategy: StrategyName) -> [OpenOrder] {
        handles[strategy].map { books[$0].orders } ?? []
    }

    /// How many orders of the strategy are open, `excluding` one of them if given.
    public func openOrderCount(of handle: Handle, excluding excluded: ClientOrderId? = nil) -> Int {
        let orders = books[handle.index].orders
        guard let excluded else { return orders.count }
        return orders.count - (orders.contains { $0.clientOrderId == excluded } ? 1 : 0)
    }

    /// Every strategy's orders with a cancel or an amend on its way to the venue: what the venue
    /// holds for them is not known until it answers.
    public var ordersAwaitingAnswers: [ClientOrderId] {
        books.flatMap { book in
            zip(book.orders, book.amending).compactMap { order, amending in
                order.state == .pendingCancel || amending != nil ? order.clientOrderId : nil
            }
        }
    }

    /// The open order with this id, if any.
    public func openOrder(_ id: ClientOrderId, of strategy: StrategyName) -> OpenOrder? {
        locate(id, of: strategy).map { books[$0.book].orders[$0.position] }
    }

    /// The strategy's position in `instrument` as its context shows it.
    public func position(_ instrument: InstrumentId, of strategy: StrategyName) -> StrategyPosition {
        var view = StrategyPosition(instrument: instrument)
        guard let position = portfolio.position(PositionKey(strategy: strategy, instrument: instrument, positionSide: .net)) else {
            return view
        }
        view.netQuantity = position.signedQuantity
        view.averageEntryPrice = position.isFlat ? nil : position.averageEntryPrice
        view.realizedPnL = position.realizedPnl
        view.unrealizedPnL = position.unrealizedPnl
        view.fees = position.fees
        view.markPrice = position.currentPrice
        return view
    }

    /// The strategy's exposure in `instrument`: each leg's position (the portfolio's) and the
    /// remaining size of the open orders that would move it, in order units. `excluding` leaves
    /// one order out (an amend is checked as if it replaced the order).
    public func exposure(of handle: Handle, in instrument: InstrumentId, excluding excluded: ClientOrderId? = nil) -> InstrumentExposure {
        var exposure = InstrumentExposure()
        let held = portfolio.heldQuantities(of: books[handle.index].positions, in: instrument)
        exposure.net.position = held.net
        exposure.long.position = held.long
        // A hedge-mode short leg is held as a negative size; risk counts legs as magnitudes.
        exposure.short.position = held.short.magnitude
        for index in books[handle.index].orders.indices {
            let order = books[handle.index].orders[index]
            guard order.instrument == instrument, order.clientOrderId != excluded else { continue }
            let request = order.request
            let size = max(request.quantity, books[handle.index].amending[index] ?? request.quantity).subtractingClamped(order.filledQuantity).value
            let selector = LegSelector(side: request.side, positionSide: request.positionSide)
            if selector.up { exposure[selector.leg].pendingUp += size } else { exposure[selector.leg].pendingDown += size }
        }
        return exposure
    }

    // MARK: Recording (the host's engine calls these, in the order things happen)

    /// The risk engine passed the order and it is sent with this request (its size trimmed, if
    /// the check trimmed it).
    public func recordSent(_ request: OrderRequest) {
        let index = handle(for: request.strategy).index
        books[index].orders.append(OpenOrder(request: request))
        books[index].amending.append(nil)
    }

    /// The venue accepted the order; it is working. Returns it, nil if not open.
    @discardableResult
    public func recordAccepted(_ id: ClientOrderId, of strategy: StrategyName) -> OpenOrder? {
        update(id, of: strategy) { order, _ in
            if order.state == .pendingNew { order.state = .working }
        }
    }

    /// A cancel is on its way to the venue. Returns false if the order is not open.
    @discardableResult
    public func recordCancelRequested(_ id: ClientOrderId, of strategy: StrategyName) -> Bool {
        update(id, of: strategy) { order, _ in order.state = .pendingCancel } != nil
    }

    /// The venue refused a cancel: the order works on (it ends by its own events).
    public func recordCancelRefused(_ id: ClientOrderId, of strategy: StrategyName) {
        update(id, of: strategy) { order, _ in
            if order.state == .pendingCancel { order.state = .working }
        }
    }

    /// An amend to `quantity` (nil: the price only) is on its way to the venue.
    public func recordAmendRequested(_ id: ClientOrderId, of strategy: StrategyName, quantity: Quantity?) {
        update(id, of: strategy) { order, amending in amending = quantity ?? order.request.quantity }
    }

    /// Whether an amend of the order is on its way to the venue.
    public func hasAmendInFlight(_ id: ClientOrderId, of strategy: StrategyName) -> Bool {
        guard let (index, position) = locate(id, of: strategy) else { return false }
        return books[index].amending[position] != nil
    }

    /// The venue applied an amend: the order now has these values.
    @discardableResult
    public func recordAmended(_ id: ClientOrderId, of strategy: StrategyName, quantity: Quantity, price: Price?) -> OpenOrder? {
        update(id, of: strategy) { order, amending in
            order.request.quantity = quantity
            order.request.price = price
            amending = nil
        }
    }

    /// The venue refused an amend: the order keeps its values.
    public func recordAmendRefused(_ id: ClientOrderId, of strategy: StrategyName) {
        update(id, of: strategy) { _, amending in amending = nil }
    }

    /// Accounts a fill: the position in the portfolio and the order's filled size, together.
    /// - Throws: the portfolio's error when the fill cannot be accounted (nothing changes then).
    public func apply(_ fill: Fill) throws(PortfolioError) -> FillOutcome {
        let outcome = try portfolio.apply(fill)
        update(fill.clientOrderId, of: fill.strategy) { order, _ in
            order.filledQuantity = order.filledQuantity + fill.quantity
            if order.state == .pendingNew { order.state = .working }
        }
        return outcome
    }

    /// The order reached a final state (filled, canceled, rejected, expired): it leaves the
    /// book. Returns it as it was, nil if it was not open.
    @discardableResult
    public func recordEnded(_ id: ClientOrderId, of strategy: StrategyName) -> OpenOrder? {
        guard let (index, position) = locate(id, of: strategy) else { return nil }
        books[index].amending.remove(at: position)
        return books[index].orders.remove(at: position)
    }

    /// The strategy's book and the order's place in it, nil if the order is not open.
    private func locate(_ id: ClientOrderId, of strategy: StrategyName) -> (book: Int, position: Int)? {
        guard let index = handles[strategy], let position = books[index].orders.firstIndex(where: { $0.clientOrderId == id }) else {
            return nil
        }
        return (index, position)
    }

    @discardableResult
    private func update(_ id: ClientOrderId, of strategy: StrategyName, _ body: (inout OpenOrder, inout Quantity?) -> Void) -> OpenOrder? {
        guard let (index, position) = locate(id, of: strategy) else { return nil }
        var amending = books[index].amending[position]
        body(&books[index].orders[position], &amending)
        books[index].amending[position] = amending
        return books[index].orders[position]
    }
}

/// One strategy's window on the ledger, handed to its context.
final class StrategyView: StrategyLedger {
    let ledger: TradingLedger
    let handle: TradingLedger.Handle
    let strategy: StrategyName

    init(ledger: TradingLedger, handle: TradingLedger.Handle) {
        self.ledger = ledger
        self.handle = handle
        self.strategy = ledger.strategies[handle.index]
    }

    func position(_ instrument: InstrumentId) -> StrategyPosition { ledger.position(instrument, of: strategy) }
    var openOrders: [OpenOrder] { ledger.openOrders(of: handle) }
}
