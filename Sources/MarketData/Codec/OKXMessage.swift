import TradingCore

/// One decoded OKX v5 WebSocket frame.
public enum OKXMessage: Sendable, Hashable {
    /// A push that carried exactly one market-data item (the common case: one trade, one ticker, one book message).
    case market(MarketEvent)
    /// A push that carried several items (OKX batches trades and candle rows), in the order sent.
    case marketBatch([MarketEvent])
    /// A subscribe/unsubscribe acknowledgement, an error, a notice or a "pong".
    case control(OKXControlMessage)
    /// A push on a real OKX channel this runtime does not consume (funding-rate, mark-price, private
    /// channels, ...). Not an error: the caller may log it once and drop it.
    case unsupportedChannel(channel: String, instId: String?)

    /// The market events the frame carried, in order (empty for control and unsupported frames).
    public var marketEvents: [MarketEvent] {
        switch self {
        case .market(let event): [event]
        case .marketBatch(let events): events
        case .control, .unsupportedChannel: []
        }
    }

    /// Calls `body` for each market event without building an array.
    @inlinable public func forEachMarketEvent(_ body: (MarketEvent) throws -> Void) rethrows {
        switch self {
        case .market(let event): try body(event)
        case .marketBatch(let events): for event in events { try body(event) }
        case .control, .unsupportedChannel: break
        }
    }
}

/// A channel subscription argument (`arg` / `args[i]` in OKX requests and acks).
public struct OKXSubscription: Sendable, Hashable, CustomStringConvertible {
    /// The channel name, e.g. `trades`, `books5`, `candle1m`.
    public var channel: String
    /// The instrument id; nil for channels subscribed by instrument type or family.
    public var instId: String?
    /// `instType` for channels subscribed by type (e.g. `instruments`).
    public var instType: String?
    /// `instFamily` for channels subscribed by family (e.g. `opt-summary`).
    public var instFamily: String?

    public init(channel: String, instId: String? = nil, instType: String? = nil, instFamily: String? = nil) {
        self.channel = channel
        self.instId = instId
        self.instType = instType
        self.instFamily = instFamily
    }

    public var description: String {
        channel + ":" + (instId ?? instFamily ?? instType ?? "*")
    }

    /// Which OKX endpoint serves the channel: candles live on `business`, the rest used here on `public`.
    public var endpoint: OKXEndpointKind {
        OKXChannelKind.endpoint(ofChannel: channel)
    }
}

/// The two public OKX WebSocket endpoints.
public enum OKXEndpointKind: String, Sendable, Hashable, CaseIterable {
    /// `/ws/v5/public`: tickers, trades, books, ...
    case `public`
    /// `/ws/v5/business`: candles, trades-all, ...
    case business
}

/// A control (non-data) message from OKX.
public enum OKXControlMessage: Sendable, Hashable {
    /// `{"event":"subscribe","arg":{...},"connId":"..."}`
    case subscribed(OKXSubscription, connectionId: String?)
    /// `{"event":"unsubscribe","arg":{...},"connId":"..."}`
    case unsubscribed(OKXSubscription, connectionId: String?)
    /// `{"event":"error","code":"60012","msg":"...","connId":"..."}`
    case error(code: String, message: String, connectionId: String?)
    /// `{"event":"notice","code":"64008","msg":"..."}`: typically an announced disconnect for an upgrade.
    case notice(code: String, message: String, connectionId: String?)
    /// `{"event":"channel-conn-count","channel":"...","connCount":"2","connId":"..."}`
    case channelConnectionCount(channel: String, count: Int, connectionId: String?)
    /// `{"event":"channel-conn-count-error",...}`
    case channelConnectionCountError(channel: String, code: String, message: String, connectionId: String?)
    /// `{"event":"login",...}` (private endpoints only; acknowledged, not used here).
    case login(code: String, connectionId: String?)
    /// The literal text frame `pong`, OKX's answer to `ping`.
    case pong
}
