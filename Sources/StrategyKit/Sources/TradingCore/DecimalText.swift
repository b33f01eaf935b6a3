/// Why a decimal string was refused. Each case carries the text it was given, so the message
/// names the input; the field name is added by whoever knows it (see ``FieldError``).
public enum DecimalParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case invalidCharacter(input: String, offset: Int)
    case notANumber(input: String)
    case tooManyDecimals(input: String, maximum: Int)
    case overflow(input: String)
    case negative(input: String, type: String)

    public var description: String {
        switch self {
        case .empty:
            return "empty string is not a decimal number; write digits such as '0' or '42219.9'"
        case .invalidCharacter(let input, let offset):
            let utf8 = Array(input.utf8)
            let character = offset < utf8.count ? utf8[offset] : 0
            let hint: String
            switch character {
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                hint = "exponents are not accepted; write the number out in plain digits"
            case UInt8(ascii: "."):
                hint = "a '.' needs digits on both sides and may appear once"
            case UInt8(ascii: "+"):
                hint = "a leading '+' is not accepted; write the digits alone"
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                hint = "remove the whitespace"
            case UInt8(ascii: ","), UInt8(ascii: "_"):
                hint = "digit group separators are not accepted"
            default:
                hint = "write digits with an optional leading '-' and at most one '.'"
            }
            return "'\(input)' is not a plain decimal number: unexpected character at offset \(offset) (\(hint))"
        case .notANumber(let input):
            return "'\(input)' is not a finite number: NaN and infinity are refused"
        case .tooManyDecimals(let input, let maximum):
            return "'\(input)' has more than \(maximum) decimal places (non-zero digits beyond the \(maximum)th are refused, not rounded)"
        case .overflow(let input):
            return "'\(input)' is outside the fixed-point range of about ±1.7e26"
        case .negative(let input, let type):
            return "'\(input)' is negative, but a \(type) cannot be"
        }
    }
}

/// A decimal field that could not be read, naming the field (e.g. `"tickSz"`) and why.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the field as it appears in the input (JSON key, YAML key, column).
    public var field: String
    /// What was wrong with its value.
    public var error: DecimalParseError

    /// Creates the error for `field`.
    public init(field: String, error: DecimalParseError) {
        self.field = field
        self.error = error
    }

    public var description: String { "\(field): \(error)" }
}

extension FixedPoint {
    /// Parses a plain decimal string such as `"42219.9"`, `"-0.5"` or `"1000000"`.
    public init(parsing text: String) throws(DecimalParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in FixedPoint.parse(bytes) }
        switch parsed {
        case .success(let value): self = value
        case .failure(let error): throw error
        }
    }

    /// Parses a plain decimal number from UTF-8 bytes without allocating on success.
    ///
    /// Accepts an optional leading `-`, at least one digit, and at most one `.` with digits on
    /// both sides. Fractional digits beyond 12 are accepted only when they are zeros (OKX never
    /// sends more than 12 significant decimals; a value that would need rounding is refused, not
    /// rounded). The whole of ``FixedPoint``'s range parses, including its most negative value.
    /// Leading zeros are ignored.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<FixedPoint, DecimalParseError> {
        parse(bytes, excessDecimals: nil)
    }

    /// Parses like ``parse(_:)``, but brings non-zero digits beyond the 12th decimal back onto
    /// the grid by `rule` instead of refusing them. For the few OKX fields that are computed
    /// valuations or rates rather than prices and sizes (`fundingRate`, `oiCcy`, `notionalUsd`
    /// carry up to 22 decimals); never for prices and sizes, which must be exact.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, roundingExcessDecimals rule: RoundingRule) -> Result<FixedPoint, DecimalParseError> {
        parse(bytes, excessDecimals: rule)
    }

    /// Parses decimal text, rounding excess decimals by `rule` (see
    /// ``parse(_:roundingExcessDecimals:)``).
    public init(parsing text: String, roundingExcessDecimals rule: RoundingRule) throws(DecimalParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in FixedPoint.parse(bytes, roundingExcessDecimals: rule) }
        switch parsed {
        case .success(let value): self = value
        case .failure(let error): throw error
        }
    }

    @inline(__always)
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, excessDecimals rule: RoundingRule?) -> Result<FixedPoint, DecimalParseError> {
        let count = bytes.count
        guard count > 0 else { return .failure(.empty) }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }

        // Significant digits accumulate in a UInt64 while they fit (19 digits: every price and
        // size OKX sends), and move to a UInt128 only beyond that.
        var small: UInt64 = 0
        var smallDigits = 0
        var wide: UInt128 = 0
        var usesWide = false
        var integerDigits = 0
        var fractionDigits = 0
        var sawDigit = false
        var pointOffset = -1
        var nonZeroBeyondScale = false
        // The first digit beyond the scale decides rounding to nearest (halves away from zero).
        var firstExcessDigit: UInt8 = 0
        var sawExcessDigit = false
        var overflowed = false

        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit < 10 {
                sawDigit = true
                if pointOffset >= 0 {
                    if fractionDigits == decimalPlaces {
                        if !sawExcessDigit {
                            sawExcessDigit = true
                            firstExcessDigit = digit
                        }
                        if digit != 0 { nonZeroBeyondScale = true }
                        index &+= 1
                        continue
                    }
                    fractionDigits &+= 1
                } else {
                    // Leading zeros carry no value and do not count toward the range.
                    if digit == 0 && integerDigits == 0 {
                        index &+= 1
                        continue
                    }
                    integerDigits &+= 1
                    // 27 integer digits is the most the range can hold; stop accumulating
                    // but keep scanning, so a bad character is still reported as such.
                    if integerDigits > 27 { overflowed = true }
                }
                if overflowed {
                    index &+= 1
                    continue
                }
                if !usesWide && smallDigits < 19 {
                    small = small &* 10 &+ UInt64(digit)
                    smallDigits &+= 1
                } else {
                    if !usesWide {
                        wide = UInt128(small)
                        usesWide = true
                    }
                    let (product, multiplyOverflow) = wide.multipliedReportingOverflow(by: 10)
                    let (sum, addOverflow) = product.addingReportingOverflow(UInt128(digit))
                    if multiplyOverflow || addOverflow { overflowed = true } else { wide = sum }
                }
            } else if bytes[index] == UInt8(ascii: ".") && pointOffset < 0 && sawDigit {
                pointOffset = index
            } else {
                return .failure(nonNumericError(bytes, at: index))
            }
            index &+= 1
        }
        guard sawDigit else {
            return .failure(nonNumericError(bytes, at: negative ? Swift.min(1, count - 1) : 0))
        }
        // "5." is not how OKX writes numbers; refuse it rather than guess.
        if pointOffset == count - 1 {
            return .failure(.invalidCharacter(input: text(bytes), offset: pointOffset))
        }
        if nonZeroBeyondScale && rule == nil {
            return .failure(.tooManyDecimals(input: text(bytes), maximum: decimalPlaces))
        }
        if overflowed { return .failure(.overflow(input: text(bytes))) }

        var magnitude: UInt128
        let multiplier = pow10(decimalPlaces &- fractionDigits)
        if !usesWide {
            // At most 19 digits times at most 10^12: always fits in 128 bits.
            let product = small.multipliedFullWidth(by: multiplier)
            magnitude = UInt128(product.high) << 64 | UInt128(product.low)
        } else {
            let (product, multiplyOverflow) = wide.multipliedReportingOverflow(by: UInt128(multiplier))
            guard !multiplyOverflow else { return .failure(.overflow(input: text(bytes))) }
            magnitude = product
        }
        if nonZeroBeyondScale, let rule {
            let awayFromZero: Bool
            switch rule {
            case .towardZero: awayFromZero = false
            case .down: awayFromZero = negative
            case .up: awayFromZero = !negative
            case .toNearestOrAwayFromZero: awayFromZero = firstExcessDigit >= 5
            }
            if awayFromZero {
                let (incremented, incrementOverflow) = magnitude.addingReportingOverflow(1)
                guard !incrementOverflow else { return .failure(.overflow(input: text(bytes))) }
                magnitude = incremented
            }
        }
        // The negative side of two's complement reaches one further than the positive side.
        let limit: UInt128 = negative ? UInt128(Int128.max) + 1 : UInt128(Int128.max)
        guard magnitude <= limit else { return .failure(.overflow(input: text(bytes))) }
        let raw = negative ? Int128(bitPattern: 0 &- magnitude) : Int128(magnitude)
        return .success(FixedPoint(raw: raw))
    }

    /// `10^exponent` for `0 ... 19`.
    @inline(__always) @usableFromInline static func pow10(_ exponent: Int) -> UInt64 {
        var value: UInt64 = 1
        var remaining = exponent
        while remaining > 0 {
            value &*= 10
            remaining &-= 1
        }
        return value
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func nonNumericError(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> DecimalParseError {
        let input = text(bytes)
        var word = input.lowercased()
        if word.hasPrefix("-") || word.hasPrefix("+") { word.removeFirst() }
        switch word {
        case "nan", "snan", "inf", "infinity":
            return .notANumber(input: input)
        default:
            return .invalidCharacter(input: input, offset: offset)
        }
    }
}

extension FixedPoint: CustomStringConvertible, LosslessStringConvertible {
    /// The most bytes ``write(into:)`` produces: a sign, 27 integer digits, a point and 12
    /// fractional digits.
    public static let maximumTextLength = 41

    /// The canonical decimal text: no exponent, no trailing fractional zeros, `"0"` for zero.
    /// Texts of up to 15 bytes (all ordinary prices and sizes) need no heap allocation.
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            let length = write(into: buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
    }

    /// Parses the canonical text (or any text ``init(parsing:)`` accepts); nil when it is refused.
    public init?(_ description: String) {
        guard let value = try? FixedPoint(parsing: description) else { return nil }
        self = value
    }

    /// Writes the canonical text into `buffer` (at least ``maximumTextLength`` bytes) and
    /// returns its length.
    public func write(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(buffer.count >= Self.maximumTextLength, "FixedPoint.write(into:) needs \(Self.maximumTextLength) bytes")
        var length = 0
        if raw < 0 {
            buffer[0] = UInt8(ascii: "-")
            length = 1
        }
        let magnitude = raw.magnitude
        let scale = UInt64(Self.scale)
        var fraction: UInt64
        if magnitude <= UInt128(UInt64.max) {
            // Fast path: every ordinary price and size; 64-bit division only.
            let small = UInt64(truncatingIfNeeded: magnitude)
            let (integerPart, remainder) = small.quotientAndRemainder(dividingBy: scale)
            fraction = remainder
            length = Self.writeDigits(of: integerPart, into: buffer, at: length)
        } else {
            let (integerPart, remainder) = magnitude.quotientAndRemainder(dividingBy: UInt128(scale))
            fraction = UInt64(truncatingIfNeeded: remainder)
            if integerPart <= UInt128(UInt64.max) {
                length = Self.writeDigits(of: UInt64(truncatingIfNeeded: integerPart), into: buffer, at: length)
            } else {
                // Above 2^64 the integer part is split once into 64-bit halves of 19 digits.
                let (high, low) = integerPart.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
                length = Self.writeDigits(of: UInt64(truncatingIfNeeded: high), into: buffer, at: length)
                length = Self.writeDigits(of: UInt64(truncatingIfNeeded: low), into: buffer, at: length, width: 19)
            }
        }
        if fraction != 0 {
            buffer[length] = UInt8(ascii: ".")
            length &+= 1
            var fractionDigits = Self.decimalPlaces
            while fraction % 10 == 0 {
                fraction /= 10
                fractionDigits &-= 1
            }
            length = Self.writeDigits(of: fraction, into: buffer, at: length, width: fractionDigits)
        }
        return length
    }

    /// Writes `value` in decimal at `offset`, left-padded with zeros to `width` digits, and
    /// returns the offset after it.
    @inline(__always)
    private static func writeDigits(of value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int, width: Int = 1) -> Int {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20 && value >= bound {
            digits &+= 1
            if digits < 20 { bound &*= 10 }
        }
        let total = Swift.max(digits, width)
        var position = offset &+ total
        var remaining = value
        for _ in 0..<total {
            position &-= 1
            let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
            buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            remaining = quotient
        }
        return offset &+ total
    }
}
