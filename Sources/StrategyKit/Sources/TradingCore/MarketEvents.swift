/// One public trade (`trades` / `trades-all` channel).
public struct TradeTick: Hashable, Sendable {
    public var instrument: InstrumentId
    public var tradeId: TradeId
    public var price: Price
    public var quantity: Quantity
    /// The taker's side.
    public var side: Side
    /// The exchange's trade time.
    public var timestamp: Timestamp
    /// How many trades OKX aggregated into this one (`count`, 2023 onwards); nil when absent.
    public var aggregatedCount: Int?

    public init(instrument: InstrumentId, tradeId: TradeId, price: Price, quantity: Quantity, side: Side,
                timestamp: Timestamp, aggregatedCount: Int? = nil) {
        self.instrument = instrument
        self.tradeId = tradeId
        self.price = price
        self.quantity = quantity
        self.side = side
        self.timestamp = timestamp
        self.aggregatedCount = aggregatedCount
    }
}

/// A 24-hour ticker (`tickers` channel).
public struct Ticker: Hashable, Sendable {
    public var instrument: InstrumentId
    public var last: Price
    public var lastSize: Quantity
    /// Best bid and ask; nil when that side of the book is empty (OKX sends "").
    public var bidPrice: Price? {
        get { bidPriceValue.ifPresent(Price.init) }
        set { bidPriceValue = .init(newValue?.value) }
    }
    public var bidSize: Quantity? {
        get { bidSizeValue.ifPresent(Quantity.init) }
        set { bidSizeValue = .init(newValue?.value) }
    }
    public var askPrice: Price? {
        get { askPriceValue.ifPresent(Price.init) }
        set { askPriceValue = .init(newValue?.value) }
    }
    public var askSize: Quantity? {
        get { askSizeValue.ifPresent(Quantity.init) }
        set { askSizeValue = .init(newValue?.value) }
    }
    // A ticker travels by value through the hot path, and an Optional of a 16-byte decimal takes 32.
    private var bidPriceValue: OptionalDecimal
    private var bidSizeValue: OptionalDecimal
    private var askPriceValue: OptionalDecimal
    private var askSizeValue: OptionalDecimal
    public var open24h: Price
    public var high24h: Price
    public var low24h: Price
    /// 24h volume in contracts (derivatives) or base currency (spot): `vol24h`.
    public var volume24h: Quantity
    /// 24h volume in the other unit: `volCcy24h`.
    public var volumeCurrency24h: Quantity
    public var timestamp: Timestamp

    public init(instrument: InstrumentId, last: Price, lastSize: Quantity, bidPrice: Price?, bidSize: Quantity?,
                askPrice: Price?, askSize: Quantity?, open24h: Price, high24h: Price, low24h: Price,
                volume24h: Quantity, volumeCurrency24h: Quantity, timestamp: Timestamp) {
        self.instrument = instrument
        self.last = last
        self.lastSize = lastSize
        self.bidPriceValue = OptionalDecimal(bidPrice?.value)
        self.bidSizeValue = OptionalDecimal(bidSize?.value)
        self.askPriceValue = OptionalDecimal(askPrice?.value)
        self.askSizeValue = OptionalDecimal(askSize?.value)
        self.open24h = open24h
        self.high24h = high24h
        self.low24h = low24h
        self.volume24h = volume24h
        self.volumeCurrency24h = volumeCurrency24h
        self.timestamp = timestamp
    }
}

/// Candle bar lengths OKX publishes (`candle1m` ... `candle1W`), as the seed's interval names.
public enum CandleInterval: String, Sendable, Hashable, CaseIterable, Codable {
    case oneSecond = "1s"
    case oneMinute = "1m"
    case threeMinutes = "3m"
    case fiveMinutes = "5m"
    case fifteenMinutes = "15m"
    case thirtyMinutes = "30m"
    case oneHour = "1h"
    case twoHours = "2h"
    case fourHours = "4h"
    case sixHours = "6h"
    case twelveHours = "12h"
    case oneDay = "1d"
    case oneWeek = "1w"

    /// The bar length in seconds.
    public var seconds: Int64 {
        switch self {
        case .oneSecond: 1
        case .oneMinute: 60
        case .threeMinutes: 180
        case .fiveMinutes: 300
        case .fifteenMinutes: 900
        case .thirtyMinutes: 1800
        case .oneHour: 3600
        case .twoHours: 7200
        case .fourHours: 14_400
        case .sixHours: 21_600
        case .twelveHours: 43_200
        case .oneDay: 86_400
        case .oneWeek: 604_800
        }
    }

    /// The OKX channel suffix: `candle` + this, e.g. `1m`, `1H`, `1D`.
    public var okxChannelSuffix: String {
        switch self {
        case .oneSecond, .oneMinute, .threeMinutes, .fiveMinutes, .fifteenMinutes, .thirtyMinutes: rawValue
        default: rawValue.uppercased()
        }
    }

    /// The interval of an OKX candle channel suffix (`1m`, `1H`, `1D`, ...), nil if unknown.
    public init?(okxChannelSuffix suffix: String) {
        guard let match = CandleInterval.allCases.first(where: { $0.okxChannelSuffix == suffix }) else { return nil }
        self = match
    }
}

/// One OHLCV bar (candle channels).
public struct Candle: Hashable, Sendable {
    public var instrument: InstrumentId
    public var interval: CandleInterval
    /// The bar's start time.
    public var openTime: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    /// Volume in contracts (derivatives) or base currency (spot): `vol`.
    public var volume: Quantity
    /// Volume in the base currency for derivatives, the quote currency for spot: `volCcy`.
    public var volumeCurrency: Quantity?
    /// Volume in the quote currency: `volCcyQuote` (present since 2023).
    public var volumeQuote: Quantity?
    /// Whether the bar is closed (`confirm` = "1"); nil for older 7-field pushes that lack the flag.
    public var isConfirmed: Bool?

    public init(instrument: InstrumentId, interval: CandleInterval, openTime: Timestamp, open: Price, high: Price,
                low: Price, close: Price, volume: Quantity, volumeCurrency: Quantity? = nil,
                volumeQuote: Quantity? = nil, isConfirmed: Bool? = nil) {
        self.instrument = instrument
        self.interval = interval
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.volumeCurrency = volumeCurrency
        self.volumeQuote = volumeQuote
        self.isConfirmed = isConfirmed
    }
}

/// One price level of an order book.
public struct BookLevel: Hashable, Sendable {
    public var price: Price
    /// Total size at the price; zero in an update means "delete this level".
    public var size: Quantity
    /// The number of orders at the level.
    public var orderCount: Int

    public init(price: Price, size: Quantity, orderCount: Int) {
        self.price = price
        self.size = size
        self.orderCount = orderCount
    }
}

/// Which order-book channel a book message came from.
public enum BookChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 400 levels, snapshot then incremental updates, every 100 ms.
    case books
    /// 5 levels, a full snapshot each push.
    case books5
    /// Best bid and offer, tick by tick.
    case bboTbt = "bbo-tbt"
    /// 400 levels tick by tick (VIP).
    case booksL2Tbt = "books-l2-tbt"
    /// 50 levels tick by tick (VIP).
    case books50L2Tbt = "books50-l2-tbt"

    /// Whether every push replaces the whole book (no incremental updates).
    public var isFullSnapshotEachPush: Bool { self == .books5 || self == .bboTbt }
}

/// A snapshot or incremental update of an order book.
public struct BookUpdate: Hashable, Sendable {
    public enum Action: String, Sendable, Hashable {
        case snapshot
        case update
    }

    public var instrument: InstrumentId
    public var channel: BookChannel
    public var action: Action
    /// Bids, best (highest) first as OKX sends them.
    public var bids: [BookLevel]
    /// Asks, best (lowest) first as OKX sends them.
    public var asks: [BookLevel]
    public var timestamp: Timestamp
    /// OKX's CRC32 of the top 25 levels after applying this message; nil or 0 when not sent.
    public var checksum: Int32?
    /// Sequence id of this message and of the one before it (-1 on a snapshot); nil when absent.
    public var seqId: Int64?
    public var prevSeqId: Int64?

    public init(instrument: InstrumentId, channel: BookChannel, action: Action, bids: [BookLevel], asks: [BookLevel],
                timestamp: Timestamp, checksum: Int32? = nil, seqId: Int64? = nil, prevSeqId: Int64? = nil) {
        self.instrument = instrument
        self.channel = channel
        self.action = action
        self.bids = bids
        self.asks = asks
        self.timestamp = timestamp
        self.checksum = checksum
        self.seqId = seqId
        self.prevSeqId = prevSeqId
    }
}

/// A validated market-data event as the host hands it to strategies.
public enum MarketEvent: Hashable, Sendable {
    case trade(TradeTick)
    case ticker(Ticker)
    case candle(Candle)
    case book(BookUpdate)

    /// The instrument the event belongs to.
    public var instrument: InstrumentId {
        switch self {
        case .trade(let trade): trade.instrument
        case .ticker(let ticker): ticker.instrument
        case .candle(let candle): candle.instrument
        case .book(let book): book.instrument
        }
    }

    /// The exchange time of the event (a candle's open time for candles).
    public var timestamp: Timestamp {
        switch self {
        case .trade(let trade): trade.timestamp
        case .ticker(let ticker): ticker.timestamp
        case .candle(let candle): candle.openTime
        case .book(let book): book.timestamp
        }
    }
}
