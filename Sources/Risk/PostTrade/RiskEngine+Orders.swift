import TradingCore

extension RiskEngine {
    /// Applies a fill: the position moves, the filled part no longer counts as open-order
    /// exposure, and the instrument is revalued at the latest reference price.
    public func orderDidFill(_ fill: Fill) {
        guard let index = handles[fill.strategy] else { return }
        let book = books[index]
        guard let slotIndex = book.slotIndex(of: fill.instrument) else { return }
        let selector = LegSelector(side: fill.side, positionSide: fill.positionSide)
        let quantity = fill.quantity.value
        book.slots[slotIndex].modifyLeg(selector.leg) { leg in
            if selector.up {
                leg.position += quantity
                leg.pendingUp = leg.pendingUp > quantity ? leg.pendingUp - quantity : .zero
            } else {
                leg.position -= quantity
                leg.pendingDown = leg.pendingDown > quantity ? leg.pendingDown - quantity : .zero
            }
        }
        if book.slots[slotIndex].valuationPrice.isZero { book.slots[slotIndex].valuationPrice = fill.price.value }
        revalue(book: book, slotIndex: slotIndex)
    }

    /// An order the engine accepted reached a final state (filled, cancelled, rejected by the
    /// venue, failed): it stops counting as open, and its unfilled rest as pending exposure.
    public func orderDidEnd(strategy: StrategyName, instrument: InstrumentId, side: Side,
                            positionSide: PositionSide = .net, unfilledQuantity: Quantity) {
        guard let index = handles[strategy] else { return }
        let book = books[index]
        guard let slotIndex = book.slotIndex(of: instrument) else { return }
        book.openOrders = max(0, book.openOrders - 1)
        let selector = LegSelector(side: side, positionSide: positionSide)
        let rest = unfilledQuantity.value
        book.slots[slotIndex].modifyLeg(selector.leg) { leg in
            if selector.up {
                leg.pendingUp = leg.pendingUp > rest ? leg.pendingUp - rest : .zero
            } else {
                leg.pendingDown = leg.pendingDown > rest ? leg.pendingDown - rest : .zero
            }
        }
        revalue(book: book, slotIndex: slotIndex)
    }

    /// Sets a position the host rebuilt from the database after a restart (signed for net
    /// mode; long and short legs are given as positive quantities), in order units.
    public func restorePosition(strategy: StrategyName, instrument: InstrumentId, positionSide: PositionSide = .net,
                                quantity: FixedPoint, markPrice: Price?) {
        guard let index = handles[strategy] else { return }
        let book = books[index]
        guard let slotIndex = book.slotIndex(of: instrument) else { return }
        book.slots[slotIndex].modifyLeg(LegSelector(side: .buy, positionSide: positionSide).leg) { $0.position = quantity }
        if let markPrice { book.slots[slotIndex].valuationPrice = markPrice.value }
        revalue(book: book, slotIndex: slotIndex)
    }

    /// Revalues every strategy's exposure in `instrument` at a new reference price (the host
    /// calls this at a bounded rate, e.g. with its mark-to-market tick), so leverage and the
    /// account's gross notional follow the market for instruments that are not being traded.
    public func markToMarket(instrument: InstrumentId, price: Price) {
        for book in books {
            guard let slotIndex = book.slotIndex(of: instrument) else { continue }
            book.slots[slotIndex].valuationPrice = price.value
            revalue(book: book, slotIndex: slotIndex)
        }
    }
}
