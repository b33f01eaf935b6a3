import TradingCore
/// Requests a client sends on an OKX public WebSocket.
public enum OKXRequest: Sendable, Hashable {
    case subscribe([OKXSubscription])
    case unsubscribe([OKXSubscription])

    /// The JSON text of the request, e.g. `{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]}`.
    /// `id` (OKX: up to 32 letters and digits) is echoed back in the acknowledgement when given.
    public func encoded(id: String? = nil) -> String {
        let (operation, arguments): (String, [OKXSubscription]) = switch self {
        case .subscribe(let arguments): ("subscribe", arguments)
        case .unsubscribe(let arguments): ("unsubscribe", arguments)
        }
        var text = "{"
        if let id { text += "\"id\":" + JSONString.quoted(id) + "," }
        text += "\"op\":\"" + operation + "\",\"args\":["
        for (position, argument) in arguments.enumerated() {
            if position > 0 { text += "," }
            text += "{\"channel\":" + JSONString.quoted(argument.channel)
            if let instType = argument.instType { text += ",\"instType\":" + JSONString.quoted(instType) }
            if let instFamily = argument.instFamily { text += ",\"instFamily\":" + JSONString.quoted(instFamily) }
            if let instId = argument.instId { text += ",\"instId\":" + JSONString.quoted(instId) }
            text += "}"
        }
        return text + "]}"
    }

    /// The literal keep-alive text OKX expects; it answers `pong`.
    public static let ping = "ping"

}
