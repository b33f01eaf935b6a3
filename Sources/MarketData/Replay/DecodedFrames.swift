import TradingCore

/// Consecutive recorded frames, decoded: their market events in play order, each with its
/// frame's receive time, and what the frames held besides events. Handing this on gives the
/// same result as decoding the frames one by one where they are consumed.
///
/// Events are kept in one array per kind, and ``order`` says which comes when. A `MarketEvent`
/// is a large enum, and reading one out of an array of them copies all of it several times over;
/// a candle read out of an array of candles is passed on where it lies.
public struct DecodedFrames: Sendable {
    /// An event's kind and its index in the array of that kind (``trades``, ``tickers``,
    /// ``candles`` or ``books``).
    public struct Entry: Hashable, Sendable {
        public enum Kind: UInt8, Sendable { case trade, ticker, candle, book }
        public var kind: Kind
        public var index: Int
    }

    /// The frames' market events, in play order.
    public private(set) var order: [Entry] = []
    /// The receive time of each event's frame (same index as ``order``).
    public private(set) var receivedAt: [Timestamp] = []
    /// The events of each kind, in play order among themselves.
    public private(set) var trades: [TradeTick] = []
    public private(set) var tickers: [Ticker] = []
    public private(set) var candles: [Candle] = []
    public private(set) var books: [BookUpdate] = []
    /// How many frames these are.
    public var frameCount = 0
    /// Frames that were acknowledgements, errors, notices or pongs.
    public var controlFrames = 0
    /// Frames on channels the runtime does not consume.
    public var unsupportedFrames = 0
    /// Why each frame that did not decode was dropped, in play order.
    public var failures: [OKXDecodeError] = []

    /// Empty, with room for `frames` frames of one event each.
    public init(reservingFrames frames: Int = 0) {
        order.reserveCapacity(frames)
        receivedAt.reserveCapacity(frames)
    }

    /// The events in play order, each as a `MarketEvent`.
    public var events: [MarketEvent] { order.map(event) }

    /// The event `entry` points at.
    public func event(_ entry: Entry) -> MarketEvent {
        switch entry.kind {
        case .trade: .trade(trades[entry.index])
        case .ticker: .ticker(tickers[entry.index])
        case .candle: .candle(candles[entry.index])
        case .book: .book(books[entry.index])
        }
    }

    /// The exchange time of the first event, nil when there is none.
    public var firstTimestamp: Timestamp? { order.first.map { event($0).timestamp } }

    /// Appends a trade whose frame was received at `time` (and likewise for the other kinds).
    public mutating func append(trade: TradeTick, receivedAt time: Timestamp) { append(trade, to: \.trades, as: .trade, at: time) }
    public mutating func append(ticker: Ticker, receivedAt time: Timestamp) { append(ticker, to: \.tickers, as: .ticker, at: time) }
    public mutating func append(candle: Candle, receivedAt time: Timestamp) { append(candle, to: \.candles, as: .candle, at: time) }
    public mutating func append(book: BookUpdate, receivedAt time: Timestamp) { append(book, to: \.books, as: .book, at: time) }

    /// Appends an event of any kind.
    public mutating func append(_ event: MarketEvent, receivedAt time: Timestamp) {
        switch event {
        case .trade(let trade): append(trade: trade, receivedAt: time)
        case .ticker(let ticker): append(ticker: ticker, receivedAt: time)
        case .candle(let candle): append(candle: candle, receivedAt: time)
        case .book(let book): append(book: book, receivedAt: time)
        }
    }

    /// Appends `other`'s frames: its events after these, and its counts added to these.
    public mutating func append(contentsOf other: DecodedFrames) {
        for (entry, time) in zip(other.order, other.receivedAt) { append(other.event(entry), receivedAt: time) }
        frameCount += other.frameCount
        controlFrames += other.controlFrames
        unsupportedFrames += other.unsupportedFrames
        failures += other.failures
    }

    private mutating func append<Event>(_ event: Event, to events: WritableKeyPath<DecodedFrames, [Event]>, as kind: Entry.Kind,
                                        at time: Timestamp) {
        // A batch is usually of one kind: the first event of a kind makes room for the whole batch.
        if self[keyPath: events].isEmpty { self[keyPath: events].reserveCapacity(order.capacity) }
        order.append(Entry(kind: kind, index: self[keyPath: events].count))
        receivedAt.append(time)
        self[keyPath: events].append(event)
    }
}
