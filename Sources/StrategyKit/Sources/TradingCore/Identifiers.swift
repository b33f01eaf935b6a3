/// The name of a deployed strategy, unique across the system (the manifest's `name`).
public struct StrategyName: Hashable, Comparable, Sendable, CustomStringConvertible, Codable, ExpressibleByStringLiteral {
    public let rawValue: String
    /// The text's hash, computed once (see ``IdentifierHash``).
    @usableFromInline let textHash: Int
    public init(_ rawValue: String) {
        self.rawValue = rawValue
        textHash = IdentifierHash.of(rawValue)
    }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { rawValue }
    public static func < (lhs: StrategyName, rhs: StrategyName) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Names are equal when their texts are (the stored hashes tell most unequal names apart first).
    @inlinable public static func == (lhs: StrategyName, rhs: StrategyName) -> Bool {
        lhs.textHash == rhs.textHash && lhs.rawValue == rhs.rawValue
    }
    /// Feeds the hash computed when the value was made, not the text.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(textHash) }
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The client order id a strategy's order carries (`clOrdId`: up to 32 letters and digits).
public struct ClientOrderId: Hashable, Sendable, CustomStringConvertible {
    /// The id text.
    public let rawValue: String
    /// The text's hash, computed once (see ``IdentifierHash``).
    @usableFromInline let textHash: Int
    /// Wraps `rawValue` unchecked (for ids the host generated itself).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
        textHash = IdentifierHash.of(rawValue)
    }
    /// The most characters OKX accepts in a `clOrdId`.
    public static let maximumLength = 32

    /// Checks `text` against OKX's rule for `clOrdId`: 1 to 32 ASCII letters and digits.
    public init(validating text: String) throws(ClientOrderIdError) {
        guard !text.isEmpty else { throw ClientOrderIdError(input: text, reason: "is empty") }
        guard text.utf8.count <= Self.maximumLength else {
            throw ClientOrderIdError(input: text, reason: "has \(text.utf8.count) characters; OKX accepts at most \(Self.maximumLength)")
        }
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
            throw ClientOrderIdError(input: text, reason: "may contain only ASCII letters and digits")
        }
        self.init(text)
    }

    public var description: String { rawValue }
    /// Ids are equal when their texts are (the stored hashes tell most unequal ids apart first).
    @inlinable public static func == (lhs: ClientOrderId, rhs: ClientOrderId) -> Bool {
        lhs.textHash == rhs.textHash && lhs.rawValue == rhs.rawValue
    }
    /// Feeds the hash computed when the value was made, not the text.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(textHash) }
}

/// Why a client order id was refused.
public struct ClientOrderIdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The refused text.
    public var input: String
    /// What is wrong with it.
    public var reason: String
    /// Creates the error.
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }
    public var description: String { "client order id '\(input)' \(reason)" }
}

/// The venue's id for an order. Paper venue ids start with `PAPER-`.
public struct VenueOrderId: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// An exchange trade id (`tradeId`), unique per instrument.
public struct TradeId: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
