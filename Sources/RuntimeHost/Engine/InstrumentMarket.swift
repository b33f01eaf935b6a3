import MarketData
import Risk
import TradingCore

/// What the engine knows about one instrument's market: its synchronized book (from a book
/// channel or, lacking one, the ticker's best bid and ask), the last trade, the last confirmed
/// candle's close (the only price of a candles-only history), and data freshness.
struct InstrumentMarket {
    var book: BookSynchronizer
    var lastTradePrice: Price?
    var lastCandleClose: Price?
    var tickerBid: Price?
    var tickerAsk: Price?
    var lastDataTime = Timestamp.zero
    /// Whether any book channel feeds this instrument (then the book, not the ticker, is the quote).
    var hasBookFeed = false

    init(instrument: InstrumentId) {
        self.book = BookSynchronizer(instrument: instrument)
    }

    var bookIsValid: Bool {
        if case .synced = book.state { return true }
        return !hasBookFeed
    }

    /// What the risk engine needs for a check, built without allocating.
    var snapshot: MarketSnapshot {
        if hasBookFeed {
            return MarketSnapshot(bestBid: book.book.bestBid?.price, bestAsk: book.book.bestAsk?.price,
                                  bookIsValid: bookIsValid && !book.book.isCrossedOrLocked, lastDataTime: lastDataTime)
        }
        let last = lastTradePrice ?? lastCandleClose
        return MarketSnapshot(bestBid: tickerBid ?? last, bestAsk: tickerAsk ?? last,
                              bookIsValid: true, lastDataTime: lastDataTime)
    }

    /// The price positions are marked at: the mid when there is a book, else the last trade, else
    /// the last confirmed candle's close.
    var markPrice: Price? {
        if hasBookFeed, bookIsValid, let mid = book.book.mid { return mid }
        if let bid = tickerBid, let ask = tickerAsk { return Price(FixedPoint(raw: (bid.value.raw + ask.value.raw) / 2)) }
        return lastTradePrice ?? lastCandleClose
    }

    /// The worst price a market order of `quantity` on `side` reaches in the book (the last
    /// visible level when the book is thinner than the order); nil without a book feed.
    func sweepPrice(_ side: Side, quantity: Quantity) -> Price? {
        guard hasBookFeed else { return nil }
        var left = quantity.value
        var worst: Price?
        for level in side == .buy ? book.book.asks : book.book.bids {
            worst = level.price
            left -= level.size.value
            if !left.isPositive { break }
        }
        return worst
    }
}
