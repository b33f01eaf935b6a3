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
        if let id { text += "\"id\":" + Self.quoted(id) + "," }
        text += "\"op\":\"" + operation + "\",\"args\":["
        for (position, argument) in arguments.enumerated() {
            if position > 0 { text += "," }
            text += "{\"channel\":" + Self.quoted(argument.channel)
            if let instType = argument.instType { text += ",\"instType\":" + Self.quoted(instType) }
            if let instFamily = argument.instFamily { text += ",\"instFamily\":" + Self.quoted(instFamily) }
            if let instId = argument.instId { text += ",\"instId\":" + Self.quoted(instId) }
            text += "}"
        }
        return text + "]}"
    }

    /// The literal keep-alive text OKX expects; it answers `pong`.
    public static let ping = "ping"

    /// JSON string literal of `value`, escaping what JSON requires.
    static func quoted(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
