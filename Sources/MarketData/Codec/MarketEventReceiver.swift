import TradingCore

/// Takes the market events of decoded frames one at a time (see
/// ``OKXCodec/decode(_:deliveringTo:)``), each kind through its own method, so a consumer on the
/// hot path never has to open a ``MarketEvent`` it was handed.
public protocol MarketEventReceiver: AnyObject {
    func receive(trade: TradeTick)
    func receive(ticker: Ticker)
    func receive(candle: Candle)
    func receive(book: BookUpdate)
}

extension MarketEventReceiver {
    /// Hands one event to the method for its kind.
    public func receive(_ event: MarketEvent) {
        switch event {
        case .trade(let trade): receive(trade: trade)
        case .ticker(let ticker): receive(ticker: ticker)
        case .candle(let candle): receive(candle: candle)
        case .book(let update): receive(book: update)
        }
    }
}

/// What a frame decoded by ``OKXCodec/decode(_:deliveringTo:)`` carried besides the events it delivered.
public enum OKXFrameContent: Sendable, Hashable {
    /// A market-data push whose `count` events were delivered.
    case marketEvents(count: Int)
    /// A subscribe/unsubscribe acknowledgement, an error, a notice or a "pong".
    case control(OKXControlMessage)
    /// A push on a channel this runtime does not consume.
    case unsupportedChannel(channel: String, instId: String?)
}
