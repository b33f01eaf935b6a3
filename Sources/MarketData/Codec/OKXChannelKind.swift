import TradingCore

/// What the codec does with a channel name, decided from its bytes without allocating.
enum OKXChannelKind: Equatable {
    case tickers
    case trades
    case candle(CandleInterval)
    case book(BookChannel)
    /// A real OKX channel whose data this runtime does not consume.
    case unsupported

    private static let candleChannels: [(StaticString, CandleInterval)] = [
        ("candle1s", .oneSecond), ("candle1m", .oneMinute), ("candle3m", .threeMinutes), ("candle5m", .fiveMinutes),
        ("candle15m", .fifteenMinutes), ("candle30m", .thirtyMinutes), ("candle1H", .oneHour), ("candle2H", .twoHours),
        ("candle4H", .fourHours), ("candle6H", .sixHours), ("candle12H", .twelveHours), ("candle1D", .oneDay),
        ("candle1W", .oneWeek),
    ]

    /// OKX v5 channels that exist but carry nothing this runtime consumes (public, business and private).
    private static let otherChannels: [StaticString] = [
        "funding-rate", "mark-price", "index-tickers", "open-interest", "price-limit", "opt-summary",
        "estimated-price", "liquidation-orders", "instruments", "status", "option-trades", "call-auction-details",
        "books-elp", "adl-warning", "economic-calendar", "public-struc-block-trades", "public-block-trades",
        "block-tickers", "option-instrument-family-trades", "sprd-public-trades", "sprd-bbo-tbt", "sprd-books5",
        "sprd-tickers", "sprd-candle1m", "account", "positions", "balance_and_position", "orders", "fills",
        "orders-algo", "algo-advance", "liquidation-warning", "account-greeks", "deposit-info", "withdrawal-info",
        "grid-orders-spot", "grid-orders-contract", "grid-positions", "grid-sub-orders", "rfqs", "quotes",
        "struc-block-trades", "sprd-orders", "sprd-trades", "copytrading-notification",
    ]

    /// The kind of a channel name, or nil when no OKX v5 channel has that name.
    static func classify(_ name: JSONBytes) -> OKXChannelKind? {
        guard !name.hasEscapes else { return nil }
        if name.equals("trades") || name.equals("trades-all") { return .trades }
        if name.equals("books5") { return .book(.books5) }
        if name.equals("books") { return .book(.books) }
        if name.equals("bbo-tbt") { return .book(.bboTbt) }
        if name.equals("tickers") { return .tickers }
        if name.equals("books-l2-tbt") { return .book(.booksL2Tbt) }
        if name.equals("books50-l2-tbt") { return .book(.books50L2Tbt) }
        if name.hasPrefix("candle") {
            for (channel, interval) in candleChannels where name.equals(channel) { return .candle(interval) }
            // candle1Dutc, candle2D, candle1M, ...: real OKX bars this runtime has no interval for.
            return .unsupported
        }
        if name.hasPrefix("mark-price-candle") || name.hasPrefix("index-candle") { return .unsupported }
        for channel in otherChannels where name.equals(channel) { return .unsupported }
        return nil
    }

    /// Which endpoint serves a channel (OKX moved candles and trades-all to `business` in 2023).
    static func endpoint(ofChannel channel: String) -> OKXEndpointKind {
        if channel.hasPrefix("candle") || channel == "trades-all" || channel.hasPrefix("mark-price-candle")
            || channel.hasPrefix("index-candle") || channel.hasPrefix("sprd-") || channel == "economic-calendar" {
            return .business
        }
        return .public
    }
}

extension OKXCodec {
    /// Whether the codec turns pushes of this channel into market events (tickers, trades, trades-all,
    /// candle1s...candle1W, books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt).
    public static func decodesMarketData(channel: String) -> Bool {
        var name = channel
        return name.withUTF8 { bytes in
            let kind = OKXChannelKind.classify(JSONBytes(bytes: bytes, offset: 0, hasEscapes: false))
            return kind != nil && kind != .unsupported
        }
    }
}
