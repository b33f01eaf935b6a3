import TradingCore

extension RiskEngine {
    /// Sets the price at which every strategy's exposure in `instrument` is valued (the host
    /// calls this at a bounded rate, e.g. with its mark-to-market tick), so leverage and the
    /// account's gross notional follow the market for instruments that are not being traded.
    public func markToMarket(instrument: InstrumentId, price: Price) {
        for index in books.indices {
            withBook(index) { book in
                if let slotIndex = book.slotIndex(of: instrument) { book.slots[slotIndex].valuationPrice = price.value }
            }
        }
    }
}
