/// A price per unit of an instrument (quote currency per base unit, or per contract for
/// derivatives). Never negative; parsing refuses a leading `-`.
public struct Price: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact decimal value.
    public var value: FixedPoint

    @inlinable public init(_ value: FixedPoint) { self.value = value }

    /// Parses OKX's decimal text, e.g. `"42219.9"`.
    public init(parsing text: String) throws(DecimalParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in Price.parse(bytes) }
        switch parsed {
        case .success(let parsedValue): self = parsedValue
        case .failure(let error): throw error
        }
    }

    /// Parses UTF-8 bytes without allocating on success (the codec's hot path).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Price, DecimalParseError> {
        switch FixedPoint.parse(bytes) {
        // "-0" is refused too: a sign on a price is always a mistake upstream.
        case .success(let value) where value.isNegative || bytes.first == UInt8(ascii: "-"):
            return .failure(.negative(input: String(decoding: bytes, as: UTF8.self), type: "price"))
        case .success(let value): return .success(Price(value))
        case .failure(let error): return .failure(error)
        }
    }

    public static let zero = Price(.zero)
    @inlinable public var isZero: Bool { value.isZero }
    @inlinable public static func < (lhs: Price, rhs: Price) -> Bool { lhs.value < rhs.value }
    public var description: String { value.description }

    /// This price on the instrument's tick grid.
    public func rounded(toTick tick: Price, _ rule: RoundingRule) -> Price {
        Price(value.rounded(toMultipleOf: tick.value, rule))
    }
}

/// An amount of an instrument: base currency for spot, contracts for swaps and futures.
/// Never negative; parsing refuses a leading `-`.
public struct Quantity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact decimal value.
    public var value: FixedPoint

    @inlinable public init(_ value: FixedPoint) { self.value = value }

    /// Parses OKX's decimal text, e.g. `"0.12060306"`.
    public init(parsing text: String) throws(DecimalParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in Quantity.parse(bytes) }
        switch parsed {
        case .success(let parsedValue): self = parsedValue
        case .failure(let error): throw error
        }
    }

    /// Parses UTF-8 bytes without allocating on success (the codec's hot path).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Quantity, DecimalParseError> {
        switch FixedPoint.parse(bytes) {
        // "-0" is refused too: a sign on a quantity is always a mistake upstream.
        case .success(let value) where value.isNegative || bytes.first == UInt8(ascii: "-"):
            return .failure(.negative(input: String(decoding: bytes, as: UTF8.self), type: "quantity"))
        case .success(let value): return .success(Quantity(value))
        case .failure(let error): return .failure(error)
        }
    }

    public static let zero = Quantity(.zero)
    @inlinable public var isZero: Bool { value.isZero }
    @inlinable public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }
    @inlinable public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.value + rhs.value) }
    /// The difference, never below zero.
    @inlinable public func subtractingClamped(_ other: Quantity) -> Quantity {
        other.value >= value ? .zero : Quantity(value - other.value)
    }
    public var description: String { value.description }

    /// This quantity on the instrument's lot grid.
    public func rounded(toLot lot: Quantity, _ rule: RoundingRule) -> Quantity {
        Quantity(value.rounded(toMultipleOf: lot.value, rule))
    }
}

/// A signed amount of money in some currency (PnL, fees, notional, capital).
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact decimal value.
    public var value: FixedPoint

    @inlinable public init(_ value: FixedPoint) { self.value = value }

    /// Parses decimal text; negative amounts are allowed.
    public init(parsing text: String) throws(DecimalParseError) {
        self.value = try FixedPoint(parsing: text)
    }

    /// Parses UTF-8 bytes without allocating on success; negative amounts are allowed.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Money, DecimalParseError> {
        FixedPoint.parse(bytes).map { Money($0) }
    }

    public static let zero = Money(.zero)
    @inlinable public var isNegative: Bool { value.isNegative }
    @inlinable public static func < (lhs: Money, rhs: Money) -> Bool { lhs.value < rhs.value }
    @inlinable public static func + (lhs: Money, rhs: Money) -> Money { Money(lhs.value + rhs.value) }
    @inlinable public static func - (lhs: Money, rhs: Money) -> Money { Money(lhs.value - rhs.value) }
    @inlinable public static prefix func - (value: Money) -> Money { Money(-value.value) }
    @inlinable public static func += (lhs: inout Money, rhs: Money) { lhs.value += rhs.value }
    @inlinable public static func -= (lhs: inout Money, rhs: Money) { lhs.value -= rhs.value }
    public var description: String { value.description }
}

extension Price {
    /// `price × quantity`, exact to 12 decimals (truncated beyond), with a 256-bit intermediate.
    /// For contracts, multiply the quantity by the contract value first (see ``Instrument/notional(price:quantity:)``).
    public func notional(_ quantity: Quantity) throws(FixedPointArithmeticError) -> Money {
        Money(try value.multiplied(by: quantity.value))
    }
}
