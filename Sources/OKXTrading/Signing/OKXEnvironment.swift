import TradingCore

/// OKX's production trading or its demo trading (real matching engine, simulated funds).
public enum OKXEnvironment: String, Sendable, Hashable, CaseIterable {
    case live
    case demo

    /// The header that routes a REST request to demo trading; none for live.
    public var simulatedTradingHeader: OKXHeader? {
        self == .demo ? OKXHeader(name: "x-simulated-trading", value: "1") : nil
    }

    /// The private WebSocket URL (global region).
    public var privateWebSocketURL: String {
        switch self {
        case .live: "wss://ws.okx.com:8443/ws/v5/private"
        case .demo: "wss://wspap.okx.com:8443/ws/v5/private"
        }
    }
}

/// One HTTP header, in the order it is to be sent.
public struct OKXHeader: Sendable, Hashable {
    /// The header name.
    public var name: String
    /// The header value.
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
