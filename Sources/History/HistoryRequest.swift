/// One GET request of OKX's public REST API: a path and its query, in order (so that the text
/// that names it in an error is the request that was sent).
public struct HistoryRequest: Sendable, Hashable, CustomStringConvertible {
    /// The REST path, e.g. `/api/v5/market/history-candles`.
    public var path: String
    /// The query parameters in the order they are sent.
    public var query: [Parameter]

    /// One query parameter.
    public struct Parameter: Sendable, Hashable {
        /// The name, e.g. `instId`.
        public var name: String
        /// The value, unencoded.
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public init(path: String, query: [Parameter]) {
        self.path = path
        self.query = query
    }

    /// A parameter's value, if the request has it.
    public func value(of name: String) -> String? { query.first { $0.name == name }?.value }

    /// The path and query (values percent-encoded where they need it).
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { $0.name + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// The full URL on `base` (e.g. `https://www.okx.com`, without a trailing slash).
    public func url(base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + target
    }

    public var description: String { "GET " + target }

    private static func encode(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}
