import TradingCore

extension StrategyContext {
    /// Queues the one market order that takes the position in `instrument` to `netQuantity`
    /// (positive long, negative short, zero flat) and returns its id; nil when no order is needed
    /// or possible.
    ///
    /// Nothing is sent while orders on the instrument are still open (the previous target may be
    /// on its way; the next signal tries again), nor when the difference rounded down to the lot
    /// size is below one order's minimum size (dust, e.g. what a spot buy's base-currency fee
    /// leaves, stays). An order that only shrinks the position toward zero is reduce-only; one
    /// that opens or flips it is not.
    ///
    /// ```swift
    /// try context.orderTarget(bar.instrument, netQuantity: fast > slow ? size : .zero)
    /// ```
    /// - Throws: ``OrderSubmissionError/unknownInstrument(_:)`` for an instrument outside the manifest.
    @discardableResult
    public func orderTarget(_ instrument: InstrumentId, netQuantity target: FixedPoint) throws(OrderSubmissionError) -> ClientOrderId? {
        guard let metadata = self.instrument(instrument) else { throw .unknownInstrument(instrument) }
        guard !hasOpenOrders(on: instrument) else {
            logger.notice("\(instrument): orders still pending, not moving to \(target)")
            return nil
        }
        let current = position(instrument).netQuantity
        let delta = target - current
        let quantity = roundQuantity(Quantity(delta.magnitude), on: instrument)
        guard !quantity.isZero, quantity >= metadata.minSize else { return nil }
        let reducing = !current.isZero && target.magnitude < current.magnitude && (target.isZero || target.isNegative == current.isNegative)
        return try submit(instrument, delta.isNegative ? .sell : .buy, .market, quantity: quantity, reduceOnly: reducing)
    }
}
