/// How a result that has more than 12 fractional digits, or a value rounded to an increment,
/// is brought back onto the grid.
public enum RoundingRule: Sendable, Hashable {
    /// Toward negative infinity.
    case down
    /// Toward positive infinity.
    case up
    /// Toward zero (truncation).
    case towardZero
    /// To the nearest; halves away from zero.
    case toNearestOrAwayFromZero
}

/// Thrown when an exact product or quotient does not fit ``FixedPoint``'s range, or when
/// dividing by zero.
public enum FixedPointArithmeticError: Error, Sendable, Hashable, CustomStringConvertible {
    case overflow(operation: String)
    case divisionByZero

    public var description: String {
        switch self {
        case .overflow(let operation): "\(operation) overflows the fixed-point range (about ±1.7e26)"
        case .divisionByZero: "division by zero"
        }
    }
}

extension FixedPoint {
    /// `self × other`, exact up to 12 fractional digits, rounded by `rule`. The intermediate is
    /// 256 bits wide, so it cannot overflow before the division by the scale.
    public func multiplied(by other: FixedPoint, rounding rule: RoundingRule = .towardZero) throws(FixedPointArithmeticError) -> FixedPoint {
        // Fast path: both magnitudes small enough that the raw product fits in Int128.
        let (product, overflow) = raw.multipliedReportingOverflow(by: other.raw)
        if !overflow {
            return FixedPoint(raw: Self.divide(product, by: Self.scale, rule))
        }
        let wide = raw.multipliedFullWidth(by: other.raw)
        return try Self.divideWide(high: wide.high, low: wide.low, by: Self.scale, rule, operation: "multiplication")
    }

    /// `self ÷ other`, exact up to 12 fractional digits, rounded by `rule`.
    public func divided(by other: FixedPoint, rounding rule: RoundingRule = .towardZero) throws(FixedPointArithmeticError) -> FixedPoint {
        guard other.raw != 0 else { throw .divisionByZero }
        let (numerator, overflow) = raw.multipliedReportingOverflow(by: Self.scale)
        if !overflow {
            return FixedPoint(raw: Self.divide(numerator, by: other.raw, rule))
        }
        let wide = raw.multipliedFullWidth(by: Self.scale)
        return try Self.divideWide(high: wide.high, low: wide.low, by: other.raw, rule, operation: "division")
    }

    /// The multiple of `increment` nearest to `self` in the direction of `rule`, e.g. a price on
    /// an instrument's tick size or a size on its lot size. A zero or negative increment leaves
    /// the value unchanged.
    ///
    /// Traps, like `+`, when the rounded multiple lies outside the range (only possible within
    /// one increment of ``FixedPoint/max`` or ``FixedPoint/min``); use
    /// ``roundedReportingOverflow(toMultipleOf:_:)`` where that can happen.
    public func rounded(toMultipleOf increment: FixedPoint, _ rule: RoundingRule) -> FixedPoint {
        let (result, overflow) = roundedReportingOverflow(toMultipleOf: increment, rule)
        precondition(!overflow, "FixedPoint.rounded(toMultipleOf:) overflows the fixed-point range")
        return result
    }

    /// ``rounded(toMultipleOf:_:)``, and whether the result overflowed (the value is then
    /// unchanged).
    public func roundedReportingOverflow(toMultipleOf increment: FixedPoint, _ rule: RoundingRule) -> (partialValue: FixedPoint, overflow: Bool) {
        guard increment.raw > 0 else { return (self, false) }
        let step = increment.raw.magnitude
        let (quotient, remainder) = raw.magnitude.quotientAndRemainder(dividingBy: step)
        let rounded = Self.round(quotient, remainder: remainder, divisor: step, negative: raw < 0, rule)
        let (magnitude, overflow) = rounded.multipliedReportingOverflow(by: step)
        guard !overflow, let value = Self.signedReportingOverflow(magnitude, negative: raw < 0) else {
            return (self, true)
        }
        return (FixedPoint(raw: value), false)
    }

    /// Whether `self` is a whole multiple of `increment` (always true for a zero or negative
    /// increment, matching ``rounded(toMultipleOf:_:)``).
    public func isMultiple(of increment: FixedPoint) -> Bool {
        increment.raw > 0 ? raw.magnitude % increment.raw.magnitude == 0 : true
    }

    /// `numerator ÷ divisor` on the integer grid, rounded by `rule`. The divisor is not zero,
    /// and the quotient fits (callers divide by at least the scale, or by a value that keeps it
    /// in range).
    static func divide(_ numerator: Int128, by divisor: Int128, _ rule: RoundingRule) -> Int128 {
        let (quotient, remainder) = numerator.magnitude.quotientAndRemainder(dividingBy: divisor.magnitude)
        let negative = (numerator < 0) != (divisor < 0)
        let rounded = round(quotient, remainder: remainder, divisor: divisor.magnitude, negative: negative, rule)
        guard let value = signedReportingOverflow(rounded, negative: negative) else {
            preconditionFailure("FixedPoint division overflows the fixed-point range")
        }
        return value
    }

    /// `(high, low) ÷ divisor` for a 256-bit two's-complement numerator.
    static func divideWide(high: Int128, low: UInt128, by divisor: Int128, _ rule: RoundingRule, operation: String) throws(FixedPointArithmeticError) -> FixedPoint {
        var magnitudeHigh = UInt128(bitPattern: high)
        var magnitudeLow = low
        if high < 0 {
            // Two's-complement negate the 256-bit value.
            magnitudeHigh = ~magnitudeHigh
            magnitudeLow = ~magnitudeLow
            let (incremented, carry) = magnitudeLow.addingReportingOverflow(1)
            magnitudeLow = incremented
            if carry { magnitudeHigh &+= 1 }
        }
        let divisorMagnitude = divisor.magnitude
        // dividingFullWidth traps when the quotient does not fit in 128 bits.
        guard magnitudeHigh < divisorMagnitude else { throw .overflow(operation: operation) }
        let (quotient, remainder) = divisorMagnitude.dividingFullWidth((high: magnitudeHigh, low: magnitudeLow))
        let negative = (high < 0) != (divisor < 0)
        let rounded = round(quotient, remainder: remainder, divisor: divisorMagnitude, negative: negative, rule)
        guard let value = signedReportingOverflow(rounded, negative: negative) else { throw .overflow(operation: operation) }
        return FixedPoint(raw: value)
    }

    static func round(_ quotient: UInt128, remainder: UInt128, divisor: UInt128, negative: Bool, _ rule: RoundingRule) -> UInt128 {
        guard remainder != 0 else { return quotient }
        let awayFromZero: Bool
        switch rule {
        case .towardZero: awayFromZero = false
        case .down: awayFromZero = negative
        case .up: awayFromZero = !negative
        case .toNearestOrAwayFromZero: awayFromZero = remainder >= divisor - remainder
        }
        return awayFromZero ? quotient + 1 : quotient
    }

    /// The signed value of a magnitude, or nil when it does not fit (the negative side reaches
    /// one further than the positive side).
    static func signedReportingOverflow(_ magnitude: UInt128, negative: Bool) -> Int128? {
        if negative {
            guard magnitude <= UInt128(Int128.max) + 1 else { return nil }
            return Int128(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt128(Int128.max) else { return nil }
        return Int128(magnitude)
    }
}
