/// What kind of product an OKX instrument id names.
public enum InstrumentKind: String, Sendable, Hashable, CaseIterable, Codable {
    case spot = "SPOT"
    case swap = "SWAP"
    case futures = "FUTURES"
    case option = "OPTION"
}

/// A calendar date in UTC on which a future or option expires.
public struct ExpiryDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: ExpiryDate, rhs: ExpiryDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO 8601 text, e.g. `2025-03-28`.
    public var description: String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }
}

/// Call or put.
public enum OptionType: String, Sendable, Hashable, Codable {
    case call = "C"
    case put = "P"
}

/// Why an instrument id was refused.
public struct InstrumentIdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The refused text.
    public var input: String
    /// Which rule it breaks.
    public var reason: String

    /// Creates the error.
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "'\(input)' is not an OKX instrument id: \(reason)" }
}

/// An OKX instrument id (`instId`) and what it says: `BTC-USDT` (spot), `BTC-USDT-SWAP`
/// (perpetual swap), `BTC-USD-250328` (dated future), `BTC-USD-250328-100000-C` (option).
///
/// Equality and hashing use the id text only. An id is as cheap to copy and compare as an
/// integer: every id text that parses is kept once for the life of the process (OKX lists a few
/// thousand instruments), and an id refers to that copy.
public struct InstrumentId: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    // Market events carry their instrument through every stage of the hot path; an id that held
    // its strings would be reference counted at each copy. The interned description is never
    // freed, so this unretained reference cannot dangle.
    // Visible to inlined code so that comparing and hashing ids (several times per event, from
    // the host and from plugins) is a pointer operation, not a call into this library.
    @usableFromInline unowned(unsafe) let parts: InstrumentIdParts

    /// The id exactly as OKX writes it.
    public var symbol: String { parts.symbol }
    public var kind: InstrumentKind { parts.kind }
    /// The base currency (or underlying's base), e.g. `BTC`.
    public var base: String { parts.base }
    /// The quote (or settlement) currency, e.g. `USDT`.
    public var quote: String { parts.quote }
    /// The expiry of a future or option; nil for spot and swaps.
    public var expiry: ExpiryDate? { parts.expiry }
    /// An option's strike price; nil otherwise.
    public var strike: Price? { parts.strike }
    /// An option's type; nil otherwise.
    public var optionType: OptionType? { parts.optionType }

    /// Parses an OKX instId, refusing anything that is not one of the four forms.
    public init(parsing text: String) throws(InstrumentIdError) {
        if let known = InstrumentIdParts.interned(text) {
            parts = known
            return
        }
        parts = InstrumentIdParts.intern(try Self.parse(text))
    }

    private static func parse(_ text: String) throws(InstrumentIdError) -> InstrumentIdParts {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        func fail(_ reason: String) -> InstrumentIdError { InstrumentIdError(input: text, reason: reason) }
        func isCode(_ part: Substring) -> Bool {
            !part.isEmpty && part.count <= 20 && part.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
        }
        guard parts.count == 2 || parts.count == 3 || parts.count == 5 else {
            throw fail("expected BASE-QUOTE, BASE-QUOTE-SWAP, BASE-QUOTE-YYMMDD or BASE-QUOTE-YYMMDD-STRIKE-C|P")
        }
        guard isCode(parts[0]), isCode(parts[1]) else {
            throw fail("base and quote must be 1 to 20 upper-case letters or digits")
        }
        var expiry: ExpiryDate?
        var strike: Price?
        var optionType: OptionType?
        let kind: InstrumentKind
        switch parts.count {
        case 2:
            kind = .spot
        case 3 where parts[2] == "SWAP":
            kind = .swap
        case 3:
            guard let date = Self.expiry(parts[2]) else { throw fail("'\(parts[2])' is neither SWAP nor a YYMMDD expiry date") }
            kind = .futures
            expiry = date
        default:
            guard let date = Self.expiry(parts[2]) else { throw fail("'\(parts[2])' is not a YYMMDD expiry date") }
            guard let strikePrice = try? Price(parsing: String(parts[3])), strikePrice.value.isPositive else {
                throw fail("'\(parts[3])' is not a positive strike price")
            }
            guard let type = OptionType(rawValue: String(parts[4])) else { throw fail("'\(parts[4])' is neither C nor P") }
            kind = .option
            expiry = date
            strike = strikePrice
            optionType = type
        }
        return InstrumentIdParts(symbol: text, kind: kind, base: String(parts[0]), quote: String(parts[1]),
                                 expiry: expiry, strike: strike, optionType: optionType)
    }

    private static func expiry(_ text: Substring) -> ExpiryDate? {
        let digits = text.utf8.map { Int($0) - 48 }
        guard digits.count == 6, digits.allSatisfy({ $0 >= 0 && $0 <= 9 }) else { return nil }
        let year = 2000 + digits[0] * 10 + digits[1]
        let month = digits[2] * 10 + digits[3]
        let day = digits[4] * 10 + digits[5]
        guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return ExpiryDate(year: year, month: month, day: day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The instrument family (OKX's `instFamily`, and `uly` for swaps, futures and options),
    /// e.g. `BTC-USDT` for BTC-USDT-SWAP and `BTC-USD` for BTC-USD-250328-100000-C.
    public var family: String { "\(base)-\(quote)" }

    /// Whether the instrument trades in contracts (swaps, futures, options) rather than coins.
    public var isDerivative: Bool { kind != .spot }

    public var description: String { symbol }
    // One interned description per id text: the same text is the same object.
    @inlinable public static func == (lhs: InstrumentId, rhs: InstrumentId) -> Bool { lhs.parts === rhs.parts }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(parts)) }
    public static func < (lhs: InstrumentId, rhs: InstrumentId) -> Bool { lhs.symbol < rhs.symbol }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(symbol)
    }
}
