import RuntimeHost

/// Market events built in the test: instruments by their OKX id, prices and sizes as decimal
/// literals (exact, see ``ParameterMap``), times from the tester's clock unless `at:` says
/// otherwise. Prices must lie on the instrument's tick grid and sizes on its lot grid, as the
/// exchange's do; an event off the grid, or for an instrument the strategy does not trade, is
/// refused with what to fix.
///
/// As in a replay, every event moves the market the paper venue fills against (and the clock),
/// but the strategy is called only for the channels its manifest subscribes (`channels:`): a
/// candle sent to a strategy that subscribes only `trades` prices the venue and nothing more.
extension StrategyTester {
    /// A public trade at `price` (the taker's `side`), at `at` or now.
    public func trade(_ instrument: String, price: Double, size: Double = 1, side: Side = .buy, at time: Timestamp? = nil) throws {
        let market = try self.instrument(instrument)
        tradeSequence += 1
        try send(.trade(TradeTick(instrument: market.id, tradeId: TradeId("tester-\(tradeSequence)"),
                                  price: try exactPrice(price, of: market), quantity: try exactSize(size, of: market), side: side,
                                  timestamp: time ?? now)))
    }

    /// One trade per price, the first now and each next one `interval` later; the clock ends one
    /// interval after the last (so a following call continues the series). With a strategy that
    /// samples trades into bars of that length, each price closes one bar.
    public func trades(_ instrument: String, prices: [Double], every interval: Duration, size: Double = 1,
                       side: Side = .buy) throws {
        for price in prices {
            try trade(instrument, price: price, size: size, side: side)
            advance(by: interval)
        }
    }

    /// An order book snapshot (`books` channel): levels as `(price, size)`, best first. It
    /// replaces the whole book; the paper venue fills against it from then on.
    public func book(_ instrument: String, bids: [(price: Double, size: Double)], asks: [(price: Double, size: Double)],
                     at time: Timestamp? = nil) throws {
        let market = try self.instrument(instrument)
        func levels(_ side: [(price: Double, size: Double)]) throws -> [BookLevel] {
            try side.map { BookLevel(price: try exactPrice($0.price, of: market), size: try exactSize($0.size, of: market), orderCount: 1) }
        }
        try send(.book(BookUpdate(instrument: market.id, channel: .books, action: .snapshot, bids: try levels(bids),
                                  asks: try levels(asks), timestamp: time ?? now)))
    }

    /// A one-level book: `size` bid at `bid` and offered at `ask`.
    public func quote(_ instrument: String, bid: Double, ask: Double, size: Double = 1, at time: Timestamp? = nil) throws {
        try book(instrument, bids: [(bid, size)], asks: [(ask, size)], at: time)
    }

    /// A ticker (`tickers` channel): the last trade price and the best bid and ask.
    public func ticker(_ instrument: String, last: Double, bid: Double? = nil, ask: Double? = nil, size: Double = 1,
                       at time: Timestamp? = nil) throws {
        let market = try self.instrument(instrument)
        let lastPrice = try exactPrice(last, of: market)
        let quantity = try exactSize(size, of: market)
        try send(.ticker(Ticker(instrument: market.id, last: lastPrice, lastSize: quantity,
                                bidPrice: try bid.map { try exactPrice($0, of: market) }, bidSize: bid == nil ? nil : quantity,
                                askPrice: try ask.map { try exactPrice($0, of: market) }, askSize: ask == nil ? nil : quantity,
                                open24h: lastPrice, high24h: lastPrice, low24h: lastPrice, volume24h: quantity,
                                volumeCurrency24h: quantity, timestamp: time ?? now)))
    }

    /// A candle opening at `at` or now (the engine's clock for a candle is its open time, so a
    /// strategy sees a confirmed bar at its open time, as in a replay of candles).
    public func candle(_ instrument: String, open: Double, high: Double, low: Double, close: Double, volume: Double = 1,
                       interval: CandleInterval = .oneMinute, confirmed: Bool = true, at time: Timestamp? = nil) throws {
        let market = try self.instrument(instrument)
        try send(.candle(Candle(instrument: market.id, interval: interval, openTime: time ?? now,
                                open: try exactPrice(open, of: market), high: try exactPrice(high, of: market),
                                low: try exactPrice(low, of: market), close: try exactPrice(close, of: market),
                                volume: try exactSize(volume, of: market), isConfirmed: confirmed)))
    }

    /// One confirmed candle per close, the first opening now and each next one an `interval`
    /// later; each opens at the previous close (the first at its own close), with its high and
    /// low at the larger and smaller of open and close. The clock ends one interval after the last.
    public func candles(_ instrument: String, closes: [Double], interval: CandleInterval = .oneMinute,
                        volume: Double = 1) throws {
        var previous: Double?
        for close in closes {
            let open = previous ?? close
            try candle(instrument, open: open, high: max(open, close), low: min(open, close), close: close, volume: volume,
                       interval: interval)
            previous = close
            advance(by: .seconds(interval.seconds))
        }
    }

    func exactPrice(_ value: Double, of instrument: Instrument) throws -> Price {
        guard let exact = DecimalLiteral.fixedPoint(value), exact.isPositive else {
            throw StrategyTesterError("price \(value) of \(instrument.id): prices are positive decimals of at most 12 places")
        }
        let price = Price(exact)
        guard instrument.isOnTick(price) else {
            throw StrategyTesterError("price \(price) is off \(instrument.id)'s tick grid (\(instrument.tickSize)): the exchange sends none such")
        }
        return price
    }

    func exactSize(_ value: Double, of instrument: Instrument) throws -> Quantity {
        guard let exact = DecimalLiteral.fixedPoint(value), exact.isPositive else {
            throw StrategyTesterError("size \(value) of \(instrument.id): sizes are positive decimals of at most 12 places")
        }
        guard exact.isMultiple(of: instrument.lotSize.value) else {
            throw StrategyTesterError("size \(exact) is off \(instrument.id)'s lot grid (\(instrument.lotSize)): the exchange sends none such")
        }
        return Quantity(exact)
    }
}

extension MarketEvent {
    /// `trade BTC-USDT 100.1 x 1 at 2025-01-01T00:00:05.000Z` and the like, for the tester's errors.
    var testerDescription: String {
        switch self {
        case .trade(let trade): "trade \(trade.instrument) \(trade.price) x \(trade.quantity) at \(trade.timestamp)"
        case .ticker(let ticker): "ticker \(ticker.instrument) last \(ticker.last) at \(ticker.timestamp)"
        case .candle(let candle): "candle \(candle.instrument) \(candle.interval.rawValue) close \(candle.close) opening at \(candle.openTime)"
        case .book(let book): "book \(book.instrument) at \(book.timestamp)"
        }
    }
}
