/// A private message that could not be read, naming the field and what is wrong with it.
public struct OKXDecodeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where: `orders.data[0].accFillSz`, `login.code`, ...
    public var field: String
    /// What is wrong.
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "OKX private message: \(field) \(reason)" }
}
