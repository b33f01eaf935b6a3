import PropertyBased
import TestSupport
import Testing
import TradingCore

/// Raw values spread over every magnitude: a full-range Int128 shifted right by 0...127 bits,
/// so tiny, ordinary, huge and extreme values all occur.
var anyMagnitudeRaw: Generator<Int128, Shrink.Integer<Int128>> { Gen.int128() }
var shiftAmount: Generator<Int, Shrink.Integer<Int>> { Gen.int(in: 0...127) }
let roundingRules: [RoundingRule] = [.down, .up, .towardZero, .toNearestOrAwayFromZero]
var anyRule: Generator<RoundingRule, Shrink.None<RoundingRule?>> {
    Gen<RoundingRule?>.element(of: roundingRules).map { $0 ?? .towardZero }
}

func spread(_ value: Int128, _ shift: Int) -> FixedPoint { FixedPoint(raw: value >> shift) }

/// The exact reference value of a FixedPoint as an integer count of 10^-12 units.
func exact(_ value: FixedPoint) -> DecimalInteger { DecimalInteger(value.raw) }

@Suite("FixedPoint properties", .watchdog)
struct FixedPointPropertyTests {
    @Test("parse(print(x)) == x over the whole range")
    func printThenParseRoundTrips() async {
        await propertyCheck(count: 2000, input: anyMagnitudeRaw, shiftAmount) { value, shift in
            let number = spread(value, shift)
            let text = number.description
            #expect(FixedPoint(text) == number, "\(text) did not parse back to raw \(number.raw)")
            // The text is the canonical one: the exact value written out by an independent route.
            #expect(text == Self.referenceText(number.raw))
        }
    }

    @Test("parse(print(x)) == x at the extremes", arguments: [
        Int128.min, Int128.min + 1, Int128.max, Int128.max - 1, 0, 1, -1,
        Int128(UInt64.max), -Int128(UInt64.max), Int128(UInt64.max) + 1, 999_999_999_999, 1_000_000_000_000,
        Int128(UInt64.max) * 1_000_000_000_000 + 1, Int128(10_000_000_000_000_000_000) * 1_000_000_000_000,
    ])
    func extremesRoundTrip(raw: Int128) throws {
        let number = FixedPoint(raw: raw)
        #expect(try FixedPoint(parsing: number.description) == number)
        #expect(number.description == Self.referenceText(raw))
    }

    @Test("parsing OKX-shaped text prints it back unchanged")
    func okxShapedTextRoundTrips() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 0...Int64.max), Gen.int(in: 0...12)) { units, decimals in
            let text = Self.plainText(units: units, decimals: decimals)
            let price = try Price(parsing: text)
            #expect(price.description == text)
            let quantity = try Quantity(parsing: text)
            #expect(quantity.description == text)
            #expect(price.value == FixedPoint(units: units, decimals: decimals))
        }
    }

    @Test("addition and subtraction match the exact reference, overflow included")
    func additionAndSubtraction() async {
        await propertyCheck(count: 1000, input: anyMagnitudeRaw, shiftAmount, anyMagnitudeRaw, shiftAmount) { a, sa, b, sb in
            let lhs = spread(a, sa)
            let rhs = spread(b, sb)
            let (sum, sumOverflow) = lhs.addingReportingOverflow(rhs)
            let exactSum = exact(lhs) + exact(rhs)
            #expect(sumOverflow == (exactSum.int128 == nil))
            if !sumOverflow { #expect(exact(sum) == exactSum) }
            let (difference, differenceOverflow) = lhs.subtractingReportingOverflow(rhs)
            let exactDifference = exact(lhs) - exact(rhs)
            #expect(differenceOverflow == (exactDifference.int128 == nil))
            if !differenceOverflow { #expect(exact(difference) == exactDifference) }
        }
    }

    @Test("multiplication matches the exact reference under every rounding rule")
    func multiplication() async {
        await propertyCheck(count: 1500, input: anyMagnitudeRaw, shiftAmount, anyMagnitudeRaw, shiftAmount, anyRule) { a, sa, b, sb, rule in
            let lhs = spread(a, sa)
            let rhs = spread(b, sb)
            // value = raw / 10^12, so the product's raw is (a.raw × b.raw) / 10^12.
            let expected = DecimalInteger.divide(exact(lhs) * exact(rhs), by: .scale, rule).int128
            Self.check(expected, { () throws(FixedPointArithmeticError) in try lhs.multiplied(by: rhs, rounding: rule) }, "\(lhs) × \(rhs) \(rule)")
        }
    }

    @Test("multiplication of OKX-sized prices and quantities is exact")
    func notionalSizedMultiplication() async {
        await propertyCheck(count: 1000, input: Gen.int64(in: 0...Int64.max), Gen.int(in: 0...12), Gen.int64(in: 0...Int64.max), Gen.int(in: 0...12), anyRule) { pu, pd, qu, qd, rule in
            let price = FixedPoint(units: pu, decimals: pd)
            let quantity = FixedPoint(units: qu, decimals: qd)
            let expected = DecimalInteger.divide(exact(price) * exact(quantity), by: .scale, rule).int128
            Self.check(expected, { () throws(FixedPointArithmeticError) in try price.multiplied(by: quantity, rounding: rule) }, "\(price) × \(quantity) \(rule)")
        }
    }

    @Test("division matches the exact reference under every rounding rule")
    func division() async {
        await propertyCheck(count: 1500, input: anyMagnitudeRaw, shiftAmount, anyMagnitudeRaw, shiftAmount, anyRule) { a, sa, b, sb, rule in
            let lhs = spread(a, sa)
            let rhs = spread(b, sb)
            guard !rhs.isZero else {
                #expect(throws: FixedPointArithmeticError.divisionByZero) { try lhs.divided(by: rhs, rounding: rule) }
                return
            }
            // raw result = (a.raw × 10^12) / b.raw.
            let expected = DecimalInteger.divide(exact(lhs) * .scale, by: exact(rhs), rule).int128
            Self.check(expected, { () throws(FixedPointArithmeticError) in try lhs.divided(by: rhs, rounding: rule) }, "\(lhs) ÷ \(rhs) \(rule)")
        }
    }

    @Test("rounding to a tick or lot matches the exact reference")
    func roundingToIncrement() async {
        let increments = Gen.int64(in: 1...1_000_000)
        await propertyCheck(count: 1500, input: anyMagnitudeRaw, shiftAmount, increments, Gen.int(in: 0...12), anyRule) { a, sa, units, decimals, rule in
            let value = spread(a, sa)
            let increment = FixedPoint(units: units, decimals: decimals)
            let step = exact(increment)
            let expected = (DecimalInteger.divide(exact(value), by: step, rule) * step).int128
            let (result, overflow) = value.roundedReportingOverflow(toMultipleOf: increment, rule)
            if let expected {
                #expect(!overflow, "\(value) to \(increment) \(rule) should not overflow")
                #expect(result.raw == expected, "\(value) to \(increment) \(rule)")
                #expect(value.rounded(toMultipleOf: increment, rule) == result)
                #expect(result.isMultiple(of: increment))
            } else {
                #expect(overflow, "\(value) to \(increment) \(rule) should overflow")
            }
        }
    }

    @Test("prices round onto the tick and sizes onto the lot")
    func priceAndQuantityRounding() async {
        await propertyCheck(count: 1000, input: Gen.int64(in: 0...Int64.max), Gen.int(in: 0...12), Gen.int64(in: 1...100_000), Gen.int(in: 0...10)) { units, decimals, tickUnits, tickDecimals in
            let price = Price(FixedPoint(units: units, decimals: decimals))
            let tick = Price(FixedPoint(units: tickUnits, decimals: tickDecimals))
            let down = price.rounded(toTick: tick, .down)
            let up = price.rounded(toTick: tick, .up)
            #expect(down <= price && price <= up)
            #expect(down.value.isMultiple(of: tick.value) && up.value.isMultiple(of: tick.value))
            #expect(up.value - down.value == (price.value.isMultiple(of: tick.value) ? .zero : tick.value))
            let quantity = Quantity(price.value)
            let lot = Quantity(tick.value)
            #expect(quantity.rounded(toLot: lot, .down).value == down.value)
        }
    }

    @Test("parsing with excess decimals rounds like the exact reference")
    func excessDecimalRounding() async {
        await propertyCheck(count: 1000, input: Gen.int64(), Gen.int(in: 13...24), anyRule) { units, decimals, rule in
            // units × 10^-decimals, written out in full.
            let magnitude = String(units.magnitude)
            let padded = String(repeating: "0", count: max(0, decimals + 1 - magnitude.count)) + magnitude
            let text = (units < 0 ? "-" : "") + padded.dropLast(decimals) + "." + padded.suffix(decimals)
            let divisor = DecimalInteger("1" + String(repeating: "0", count: decimals - 12))
            let expected = DecimalInteger.divide(DecimalInteger(Int128(units)), by: divisor, rule).int128
            let parsed = try FixedPoint(parsing: text, roundingExcessDecimals: rule)
            #expect(parsed.raw == expected, "\(text) \(rule)")
        }
    }

    /// Checks one throwing operation against the reference: equal when it fits, overflow when not.
    static func check(_ expected: Int128?, _ operation: () throws(FixedPointArithmeticError) -> FixedPoint, _ label: String) {
        do {
            let result = try operation()
            #expect(expected == result.raw, "\(label): got raw \(result.raw), reference \(expected.map(String.init) ?? "overflow")")
        } catch {
            #expect(expected == nil, "\(label): threw \(error), reference \(expected.map(String.init) ?? "overflow")")
            if case .divisionByZero = error { Issue.record("\(label): unexpected division by zero") }
        }
    }

    /// The canonical text of `raw / 10^12` built from the standard library's integer text.
    static func referenceText(_ raw: Int128) -> String {
        let negative = raw < 0
        var digits = String(raw.magnitude)
        if digits.count <= 12 { digits = String(repeating: "0", count: 13 - digits.count) + digits }
        var integer = String(digits.dropLast(12))
        var fraction = String(digits.suffix(12))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if integer.isEmpty { integer = "0" }
        let body = fraction.isEmpty ? integer : integer + "." + fraction
        return negative ? "-" + body : body
    }

    /// `units × 10^-decimals` written the way OKX writes it (no trailing fractional zeros).
    static func plainText(units: Int64, decimals: Int) -> String {
        referenceText(Int128(units) * Int128(String("1" + String(repeating: "0", count: 12 - decimals)))!)
    }
}
