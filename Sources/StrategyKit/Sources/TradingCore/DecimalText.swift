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
            "empty string is not a decimal number"
        case .invalidCharacter(let input, let offset):
            "'\(input)' is not a plain decimal number (unexpected character at offset \(offset); write digits with an optional '-' and one '.')"
        case .notANumber(let input):
            "'\(input)' is not a finite number (NaN and infinity are refused)"
        case .tooManyDecimals(let input, let maximum):
            "'\(input)' has more than \(maximum) decimal places"
        case .overflow(let input):
            "'\(input)' is too large for the fixed-point range (about ±1.7e26)"
        case .negative(let input, let type):
            "'\(input)' is negative, but a \(type) cannot be"
        }
    }
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
    /// Accepts an optional leading `-`, digits, and at most one `.` followed by digits; fractional
    /// digits beyond 12 are accepted only when they are zeros.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<FixedPoint, DecimalParseError> {
        var index = 0
        let count = bytes.count
        guard count > 0 else { return .failure(.empty) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        // Small numbers (at most 18 significant digits) accumulate in a UInt64: the common case.
        var mantissa: UInt64 = 0
        var wide: Int128 = 0
        var usesWide = false
        var integerDigits = 0
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        var totalDigits = 0
        while index < count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                let digit = byte &- UInt8(ascii: "0")
                sawDigit = true
                if sawPoint {
                    if fractionDigits >= decimalPlaces {
                        guard digit == 0 else { return .failure(.tooManyDecimals(input: text(bytes), maximum: decimalPlaces)) }
                        index += 1
                        continue
                    }
                    fractionDigits += 1
                } else {
                    // Leading zeros do not count toward the range.
                    if integerDigits == 0 && digit == 0 && mantissa == 0 && !usesWide {
                        index += 1
                        continue
                    }
                    integerDigits += 1
                    if integerDigits > 27 { return .failure(.overflow(input: text(bytes))) }
                }
                totalDigits += 1
                if !usesWide && totalDigits <= 18 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                } else {
                    if !usesWide { wide = Int128(mantissa); usesWide = true }
                    let (product, overflow) = wide.multipliedReportingOverflow(by: 10)
                    guard !overflow else { return .failure(.overflow(input: text(bytes))) }
                    wide = product + Int128(digit)
                }
            } else if byte == UInt8(ascii: ".") && !sawPoint && sawDigit {
                sawPoint = true
            } else {
                return .failure(nonNumericError(bytes, at: index))
            }
            index += 1
        }
        guard sawDigit else { return .failure(nonNumericError(bytes, at: index < count ? index : 0)) }
        // A trailing '.' ("5.") is not how OKX writes numbers; refuse it.
        if sawPoint && bytes[count - 1] == UInt8(ascii: ".") {
            return .failure(.invalidCharacter(input: text(bytes), offset: count - 1))
        }
        let value = usesWide ? wide : Int128(mantissa)
        let (raw, overflow) = value.multipliedReportingOverflow(by: powersOfTen[decimalPlaces - fractionDigits])
        guard !overflow else { return .failure(.overflow(input: text(bytes))) }
        return .success(FixedPoint(raw: negative ? -raw : raw))
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func nonNumericError(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> DecimalParseError {
        let input = text(bytes)
        switch input.lowercased() {
        case "nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity":
            return .notANumber(input: input)
        default:
            return input.isEmpty ? .empty : .invalidCharacter(input: input, offset: offset)
        }
    }
}

extension FixedPoint: CustomStringConvertible, LosslessStringConvertible {
    /// The canonical decimal text: no exponent, no trailing fractional zeros, `"0"` for zero.
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            let length = write(into: buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
    }

    public init?(_ description: String) {
        guard let value = try? FixedPoint(parsing: description) else { return nil }
        self = value
    }

    /// Writes the canonical text into `buffer` (at least 48 bytes) and returns its length.
    public func write(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var length = 0
        let magnitude = raw.magnitude
        if raw < 0 {
            buffer[0] = UInt8(ascii: "-")
            length = 1
        }
        let scale = UInt128(Self.scale)
        var integerPart = magnitude / scale
        var fraction = UInt64(magnitude % scale)
        // Integer digits are produced least significant first, then reversed in place.
        let start = length
        repeat {
            let digit = UInt8(integerPart % 10)
            integerPart /= 10
            buffer[length] = UInt8(ascii: "0") &+ digit
            length += 1
        } while integerPart > 0
        // Reverse the integer digits in place.
        var low = start
        var high = length - 1
        while low < high {
            buffer.swapAt(low, high)
            low += 1
            high -= 1
        }
        if fraction != 0 {
            buffer[length] = UInt8(ascii: ".")
            length += 1
            var fractionDigits = Self.decimalPlaces
            while fraction % 10 == 0 {
                fraction /= 10
                fractionDigits -= 1
            }
            var position = length + fractionDigits - 1
            for _ in 0..<fractionDigits {
                buffer[position] = UInt8(ascii: "0") &+ UInt8(fraction % 10)
                fraction /= 10
                position -= 1
            }
            length += fractionDigits
        }
        return length
    }
}
