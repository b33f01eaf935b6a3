import TradingCore

/// What the engine needs to know about one instrument's market at the moment of a check:
/// a few words, built by the host from its book and ticker without allocating.
public struct MarketSnapshot: Sendable, Hashable {
    /// The best bid, nil when the bid side is empty.
    public var bestBid: Price?
    /// The best ask, nil when the ask side is empty.
    public var bestAsk: Price?
    /// The mark price when the host has one (swaps); otherwise nil and the mid is used.
    public var mark: Price?
    /// Whether the local book is known to match the exchange's (checksum and sequence good).
    public var bookIsValid: Bool
    /// Exchange time of the latest market data for the instrument.
    public var lastDataTime: Timestamp
    /// For a market order: the worst price its size reaches in the visible book, which is what
    /// its notional, position and band checks use (nil: the touch, all a ticker shows).
    public var marketOrderPrice: Price?

    /// Creates a snapshot from the host's book and ticker figures.
    @inlinable public init(bestBid: Price?, bestAsk: Price?, mark: Price? = nil, bookIsValid: Bool, lastDataTime: Timestamp,
                           marketOrderPrice: Price? = nil) {
        self.bestBid = bestBid
        self.bestAsk = bestAsk
        self.mark = mark
        self.bookIsValid = bookIsValid
        self.lastDataTime = lastDataTime
        self.marketOrderPrice = marketOrderPrice
    }

    /// The price orders are measured against: the mark, else the mid of best bid and ask.
    @inlinable public var referencePrice: Price? {
        if let mark { return mark }
        guard let bid = bestBid, let ask = bestAsk else { return bestBid ?? bestAsk }
        return Price(FixedPoint(raw: (bid.value.raw + ask.value.raw) / 2))
    }

    /// A snapshot of an order book (the book's validity is the host's knowledge).
    public init(book: OrderBook, mark: Price? = nil, bookIsValid: Bool) {
        self.init(bestBid: book.bestBid?.price, bestAsk: book.bestAsk?.price, mark: mark,
                  bookIsValid: bookIsValid && !book.isCrossedOrLocked, lastDataTime: book.timestamp)
    }
}
