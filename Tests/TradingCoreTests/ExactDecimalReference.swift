import TradingCore

/// An independent, exact reference for FixedPoint arithmetic: signed integers of any size held
/// as base-10 digit arrays, with schoolbook multiplication and long division. It shares no
/// code and no binary arithmetic with TradingCore (its only input is the standard library's
/// decimal text of a raw Int128), so agreement with it is real evidence. Slow, and only for tests.
struct DecimalInteger: Equatable, Comparable, CustomStringConvertible {
    /// Little-endian digits, no leading zeros; empty means zero.
    private(set) var digits: [UInt8]
    private(set) var negative: Bool

    init(_ text: String) {
        var body = Substring(text)
        negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        digits = body.utf8.reversed().map { $0 - UInt8(ascii: "0") }
        normalize()
    }

    init(_ value: Int128) { self.init(String(value)) }

    private init(digits: [UInt8], negative: Bool) {
        self.digits = digits
        self.negative = negative
        normalize()
    }

    static let zero = DecimalInteger("0")
    static let one = DecimalInteger("1")
    static let two = DecimalInteger("2")
    /// 10^12, FixedPoint's scale.
    static let scale = DecimalInteger("1000000000000")
    static let int128Max = DecimalInteger("170141183460469231731687303715884105727")
    static let int128Min = DecimalInteger("-170141183460469231731687303715884105728")

    private mutating func normalize() {
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { negative = false }
    }

    var isZero: Bool { digits.isEmpty }
    var magnitude: DecimalInteger { DecimalInteger(digits: digits, negative: false) }

    var description: String {
        guard !digits.isEmpty else { return "0" }
        return (negative ? "-" : "") + String(decoding: digits.reversed().map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }

    /// The value as an Int128 if it is in range.
    var int128: Int128? {
        guard self >= Self.int128Min, self <= Self.int128Max else { return nil }
        return Int128(description)
    }

    private static func compareMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        if lhs.count != rhs.count { return lhs.count < rhs.count ? -1 : 1 }
        for index in stride(from: lhs.count - 1, through: 0, by: -1) where lhs[index] != rhs[index] {
            return lhs[index] < rhs[index] ? -1 : 1
        }
        return 0
    }

    static func < (lhs: DecimalInteger, rhs: DecimalInteger) -> Bool {
        if lhs.negative != rhs.negative { return lhs.negative }
        let order = compareMagnitudes(lhs.digits, rhs.digits)
        return lhs.negative ? order > 0 : order < 0
    }

    private static func addMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var carry: UInt8 = 0
        for index in 0..<max(lhs.count, rhs.count) {
            let sum = (index < lhs.count ? lhs[index] : 0) + (index < rhs.count ? rhs[index] : 0) + carry
            result.append(sum % 10)
            carry = sum / 10
        }
        if carry > 0 { result.append(carry) }
        return result
    }

    /// `lhs - rhs` for magnitudes with `lhs >= rhs`.
    private static func subtractMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var borrow = 0
        for index in 0..<lhs.count {
            var difference = Int(lhs[index]) - (index < rhs.count ? Int(rhs[index]) : 0) - borrow
            borrow = 0
            if difference < 0 {
                difference += 10
                borrow = 1
            }
            result.append(UInt8(difference))
        }
        return result
    }

    static func + (lhs: DecimalInteger, rhs: DecimalInteger) -> DecimalInteger {
        if lhs.negative == rhs.negative {
            return DecimalInteger(digits: addMagnitudes(lhs.digits, rhs.digits), negative: lhs.negative)
        }
        if compareMagnitudes(lhs.digits, rhs.digits) >= 0 {
            return DecimalInteger(digits: subtractMagnitudes(lhs.digits, rhs.digits), negative: lhs.negative)
        }
        return DecimalInteger(digits: subtractMagnitudes(rhs.digits, lhs.digits), negative: rhs.negative)
    }

    static prefix func - (value: DecimalInteger) -> DecimalInteger {
        DecimalInteger(digits: value.digits, negative: !value.negative)
    }

    static func - (lhs: DecimalInteger, rhs: DecimalInteger) -> DecimalInteger { lhs + (-rhs) }

    /// Schoolbook multiplication, digit by digit.
    static func * (lhs: DecimalInteger, rhs: DecimalInteger) -> DecimalInteger {
        guard !lhs.isZero, !rhs.isZero else { return .zero }
        var columns = [Int](repeating: 0, count: lhs.digits.count + rhs.digits.count + 1)
        for (i, a) in lhs.digits.enumerated() {
            for (j, b) in rhs.digits.enumerated() {
                columns[i + j] += Int(a) * Int(b)
            }
        }
        var result: [UInt8] = []
        var carry = 0
        for column in columns {
            let total = column + carry
            result.append(UInt8(total % 10))
            carry = total / 10
        }
        while carry > 0 {
            result.append(UInt8(carry % 10))
            carry /= 10
        }
        return DecimalInteger(digits: result, negative: lhs.negative != rhs.negative)
    }

    /// Long division of magnitudes: `(quotient, remainder)` with `0 <= remainder < |divisor|`.
    static func divideMagnitudes(_ dividend: DecimalInteger, by divisor: DecimalInteger) -> (quotient: DecimalInteger, remainder: DecimalInteger) {
        precondition(!divisor.isZero)
        var quotientDigits: [UInt8] = []
        var remainder = DecimalInteger.zero
        for digit in dividend.digits.reversed() {
            remainder = DecimalInteger(digits: [digit] + remainder.digits, negative: false)
            var count: UInt8 = 0
            while compareMagnitudes(remainder.digits, divisor.digits) >= 0 {
                remainder = DecimalInteger(digits: subtractMagnitudes(remainder.digits, divisor.digits), negative: false)
                count += 1
            }
            quotientDigits.append(count)
        }
        return (DecimalInteger(digits: quotientDigits.reversed(), negative: false), remainder)
    }

    /// `numerator ÷ denominator` rounded to an integer by `rule`.
    static func divide(_ numerator: DecimalInteger, by denominator: DecimalInteger, _ rule: RoundingRule) -> DecimalInteger {
        let (quotient, remainder) = divideMagnitudes(numerator.magnitude, by: denominator.magnitude)
        let negative = numerator.negative != denominator.negative && !numerator.isZero
        var away = false
        if !remainder.isZero {
            switch rule {
            case .towardZero: away = false
            case .down: away = negative
            case .up: away = !negative
            case .toNearestOrAwayFromZero: away = remainder * .two >= denominator.magnitude
            }
        }
        let roundedMagnitude = away ? quotient + .one : quotient
        return negative ? -roundedMagnitude : roundedMagnitude
    }
}
