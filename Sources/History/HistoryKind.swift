import TradingCore

/// What a history download fetches: candles of one bar size (`history-candles`) or public trades
/// (`history-trades`), and how the two map onto OKX's REST paths and the recording's channels.
public enum HistoryKind: Sendable, Hashable, CustomStringConvertible {
    case candles(CandleInterval)
    case trades

    /// The bar sizes accepted for `--bar`, in OKX's own spelling (the WebSocket channel suffix).
    public static let barNames: [String] = CandleInterval.allCases.map(\.okxChannelSuffix)

    /// Parses `--bar` in OKX's spelling (`1s`, `1m`, ..., `1H`, `4H`, `1D`, `1W`); the lower-case
    /// spelling of hours, days and weeks is accepted too, since nothing else could be meant by it.
    public static func parse(bar text: String) -> HistoryKind? {
        let interval = CandleInterval.allCases.first { $0.okxChannelSuffix == text }
            ?? CandleInterval(rawValue: text)
        return interval.map { .candles($0) }
    }

    /// The REST path.
    public var path: String {
        switch self {
        case .candles: "/api/v5/market/history-candles"
        case .trades: "/api/v5/market/history-trades"
        }
    }

    /// The WebSocket channel the recorded frames carry.
    public var channel: String {
        switch self {
        case .candles(let interval): "candle" + interval.okxChannelSuffix
        case .trades: "trades"
        }
    }

    /// The bar length in milliseconds (nil for trades).
    public var barMilliseconds: Int64? {
        switch self {
        case .candles(let interval): interval.seconds * 1000
        case .trades: nil
        }
    }

    public var description: String { channel }
}
