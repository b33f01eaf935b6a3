/// Why a WebSocket frame could not be decoded as an OKX v5 message.
///
/// Every case names what was wrong and where (a byte offset into the frame, a field name, the offending
/// text), so a log line is enough to find the problem in a recording. Decoding never traps and never
/// guesses: a frame that does not carry exactly the values a well-formed OKX push carries is refused.
public enum OKXDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The frame is not valid JSON: it ends early, or a byte at `offset` cannot start or continue a value.
    case malformedJSON(offset: Int, reason: String)
    /// The frame is nested deeper than any OKX message, which suggests garbage or an attack.
    case nestingTooDeep(offset: Int)
    /// A field OKX always sends is missing.
    case missingField(field: String, context: String)
    /// A field has the wrong JSON type (for example a number where OKX sends a string).
    case wrongType(field: String, expected: String, offset: Int)
    /// A field has the right type but a value that cannot be right (a non-decimal price, a negative size,
    /// a timestamp beyond the year 2262, an unknown side).
    case invalidValue(field: String, value: String, reason: String)
    /// The `arg.channel` is not an OKX v5 channel this codec knows, not even as an unsupported one.
    case unknownChannel(String)
    /// The `event` is not an OKX v5 event name.
    case unknownEvent(String)
    /// The frame is JSON but none of OKX's message shapes (push, event, "pong").
    case unrecognizedMessage(reason: String)

    public var description: String {
        switch self {
        case .malformedJSON(let offset, let reason):
            "malformed JSON at byte \(offset): \(reason)"
        case .nestingTooDeep(let offset):
            "JSON nested too deeply at byte \(offset) (OKX messages are at most a few levels deep)"
        case .missingField(let field, let context):
            "missing field '\(field)' in \(context)"
        case .wrongType(let field, let expected, let offset):
            "field '\(field)' at byte \(offset) is not \(expected)"
        case .invalidValue(let field, let value, let reason):
            "field '\(field)' has invalid value '\(value)': \(reason)"
        case .unknownChannel(let channel):
            "unknown OKX channel '\(channel)' (not an OKX v5 public or private channel; check the subscription)"
        case .unknownEvent(let event):
            "unknown OKX event '\(event)'"
        case .unrecognizedMessage(let reason):
            "not an OKX v5 message: \(reason)"
        }
    }
}
