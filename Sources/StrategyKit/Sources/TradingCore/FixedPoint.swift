/// An exact signed decimal number with 12 fractional digits, stored as a scaled `Int128`.
///
/// Every price, size and amount OKX sends is a decimal string; `FixedPoint` holds it exactly
/// (no binary floating point, no Foundation `Decimal`) and prints it back in OKX's canonical
/// form: no exponent, no trailing fractional zeros, `"0"` for zero. The range is about
/// ±1.7 × 10^26, far beyond any price, size or notional on the exchange.
///
/// `+` and `-` trap on overflow like `Int`; use ``addingReportingOverflow(_:)`` where the
/// operands are not known to be small. Products and quotients use a 256-bit intermediate.
public struct FixedPoint: Hashable, Comparable, Sendable {
    /// The number of fractional digits every value carries.
    public static let decimalPlaces = 12
    /// `10^decimalPlaces`: the raw value of `1`.
    public static let scale: Int128 = 1_000_000_000_000

    /// The value times ``scale``.
    public var raw: Int128

    /// Creates a value from its scaled representation (`raw / 10^12`).
    @inlinable public init(raw: Int128) { self.raw = raw }

    /// Creates a whole number.
    @inlinable public init(_ integer: Int) { self.raw = Int128(integer) * Self.scale }

    /// Creates `units × 10^-decimals`, e.g. `FixedPoint(units: 15, decimals: 1)` is 1.5.
    /// - Precondition: `decimals` is at most ``decimalPlaces``.
    @inlinable public init(units: Int64, decimals: Int) {
        precondition(decimals >= 0 && decimals <= Self.decimalPlaces, "decimals out of range")
        self.raw = Int128(units) * Self.powersOfTen[Self.decimalPlaces - decimals]
    }

    public static let zero = FixedPoint(raw: 0)
    public static let one = FixedPoint(raw: scale)

    @usableFromInline static let powersOfTen: [Int128] = (0...24).map { exponent in
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    @inlinable public var isZero: Bool { raw == 0 }
    @inlinable public var isNegative: Bool { raw < 0 }
    @inlinable public var isPositive: Bool { raw > 0 }
    @inlinable public var magnitude: FixedPoint { FixedPoint(raw: raw < 0 ? -raw : raw) }
    @inlinable public var negated: FixedPoint { FixedPoint(raw: -raw) }

    /// The nearest `Double` (within a rounding step or two), for statistics and display only;
    /// never for money arithmetic.
    public var doubleValue: Double {
        // Double(Int128) and Int128 division go through generic, out-of-line paths (~100 ns, most of
        // a per-trade quality check in the e2e profile); a raw value within Int64 (|value| < 9.2
        // million units) takes the machine instructions, with the same result.
        if raw >= -9_223_372_036_854_775_808 && raw <= 9_223_372_036_854_775_807 {
            let small = Int64(truncatingIfNeeded: raw)
            return Double(small / 1_000_000_000_000) + Double(small % 1_000_000_000_000) / 1e12
        }
        let whole = raw / Self.scale
        let fraction = raw % Self.scale
        return Double(whole) + Double(fraction) / 1e12
    }

    /// The value as a whole number of `Int`, if it is one and fits.
    public var exactInt: Int? {
        let (whole, fraction) = raw.quotientAndRemainder(dividingBy: Self.scale)
        guard fraction == 0, let value = Int(exactly: whole) else { return nil }
        return value
    }

    @inlinable public static func < (lhs: FixedPoint, rhs: FixedPoint) -> Bool { lhs.raw < rhs.raw }
    @inlinable public static func + (lhs: FixedPoint, rhs: FixedPoint) -> FixedPoint { FixedPoint(raw: lhs.raw + rhs.raw) }
    @inlinable public static func - (lhs: FixedPoint, rhs: FixedPoint) -> FixedPoint { FixedPoint(raw: lhs.raw - rhs.raw) }
    @inlinable public static prefix func - (value: FixedPoint) -> FixedPoint { FixedPoint(raw: -value.raw) }
    @inlinable public static func += (lhs: inout FixedPoint, rhs: FixedPoint) { lhs.raw += rhs.raw }
    @inlinable public static func -= (lhs: inout FixedPoint, rhs: FixedPoint) { lhs.raw -= rhs.raw }

    /// `self + other`, and whether it overflowed (the value then wraps).
    @inlinable public func addingReportingOverflow(_ other: FixedPoint) -> (partialValue: FixedPoint, overflow: Bool) {
        let (sum, overflow) = raw.addingReportingOverflow(other.raw)
        return (FixedPoint(raw: sum), overflow)
    }

    /// `self - other`, and whether it overflowed (the value then wraps).
    @inlinable public func subtractingReportingOverflow(_ other: FixedPoint) -> (partialValue: FixedPoint, overflow: Bool) {
        let (difference, overflow) = raw.subtractingReportingOverflow(other.raw)
        return (FixedPoint(raw: difference), overflow)
    }

    /// Multiplies a value by a whole number (exact; traps on overflow like `*`).
    @inlinable public func times(_ factor: Int) -> FixedPoint { FixedPoint(raw: raw * Int128(factor)) }

    /// The smallest and largest representable values.
    public static let min = FixedPoint(raw: .min)
    public static let max = FixedPoint(raw: .max)
}
