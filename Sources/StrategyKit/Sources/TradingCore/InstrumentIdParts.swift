import Synchronization

/// What an instrument id text says, parsed once per process and shared by every
/// ``InstrumentId`` with that text.
@usableFromInline final class InstrumentIdParts: Sendable {
    let symbol: String
    let kind: InstrumentKind
    let base: String
    let quote: String
    let expiry: ExpiryDate?
    let strike: Price?
    let optionType: OptionType?

    init(symbol: String, kind: InstrumentKind, base: String, quote: String, expiry: ExpiryDate?, strike: Price?,
         optionType: OptionType?) {
        self.symbol = symbol
        self.kind = kind
        self.base = base
        self.quote = quote
        self.expiry = expiry
        self.strike = strike
        self.optionType = optionType
    }

    /// Every description handed out so far, by id text. Entries are never removed: ids refer to
    /// them without retaining them.
    private static let table = Mutex<[String: InstrumentIdParts]>([:])

    static func interned(_ symbol: String) -> InstrumentIdParts? {
        table.withLock { $0[symbol] }
    }

    /// The description already kept for this text (another thread may have parsed it first), or this one.
    static func intern(_ parts: InstrumentIdParts) -> InstrumentIdParts {
        table.withLock { table in
            if let existing = table[parts.symbol] { return existing }
            table[parts.symbol] = parts
            return parts
        }
    }
}
