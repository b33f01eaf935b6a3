import TestSupport
import Testing
import TradingCore

@Suite("Decimal parsing and printing", .watchdog)
struct DecimalParsingTests {
    @Test("OKX's decimal strings parse exactly and print back unchanged", arguments: [
        "42219.9", "0.12060306", "0", "1000000", "0.00000001", "30218.8", "5.123", "1", "0.1", "100",
        "0.000000000001", "123456789012345678901234567", "-0.5", "-42219.9",
        "170141183460469231731687303.715884105727", "-170141183460469231731687303.715884105728",
    ])
    func canonicalTextRoundTrips(text: String) throws {
        #expect(try FixedPoint(parsing: text).description == text)
    }

    @Test("non-canonical spellings parse to the same value", arguments: [
        ("007", "7"), ("1.50", "1.5"), ("0.000", "0"), ("-0", "0"), ("-0.0", "0"),
        ("1.0000000000000000", "1"), ("00.1", "0.1"),
    ])
    func nonCanonicalText(input: String, canonical: String) throws {
        #expect(try FixedPoint(parsing: input).description == canonical)
    }

    @Test("parsed values carry the exact raw count of 10^-12")
    func rawValues() throws {
        #expect(try FixedPoint(parsing: "42219.9").raw == 42_219_900_000_000_000)
        #expect(try FixedPoint(parsing: "0.000000000001").raw == 1)
        #expect(try FixedPoint(parsing: "-1").raw == -1_000_000_000_000)
        #expect(FixedPoint(units: 15, decimals: 1) == (try FixedPoint(parsing: "1.5")))
    }

    @Test("empty text is refused")
    func empty() {
        #expect(throws: DecimalParseError.empty) { try FixedPoint(parsing: "") }
    }

    @Test("NaN and infinity are refused as not finite", arguments: ["NaN", "nan", "-nan", "inf", "-inf", "+inf", "Infinity", "-Infinity", "INF"])
    func notANumber(text: String) {
        #expect(throws: DecimalParseError.notANumber(input: text)) { try FixedPoint(parsing: text) }
    }

    @Test("malformed text is refused with the offending offset", arguments: [
        ("1e5", 1), ("1E-3", 1), ("+5", 0), (" 5", 0), ("5 ", 1), ("1,000", 1), ("1_000", 1), (".5", 0),
        ("5.", 1), ("1.2.3", 3), ("--1", 1), ("-", 0), ("abc", 0), ("0x10", 1), ("١٢", 0), ("-.5", 1),
    ])
    func invalidCharacter(text: String, offset: Int) {
        #expect(throws: DecimalParseError.invalidCharacter(input: text, offset: offset)) { try FixedPoint(parsing: text) }
    }

    @Test("more than 12 significant decimals are refused, not rounded", arguments: ["0.0000000000001", "1.1234567890123", "0.00000000000010001"])
    func tooManyDecimals(text: String) {
        #expect(throws: DecimalParseError.tooManyDecimals(input: text, maximum: 12)) { try FixedPoint(parsing: text) }
    }

    @Test("values outside the range are refused", arguments: [
        "170141183460469231731687303.715884105728", "-170141183460469231731687303.715884105729",
        "1000000000000000000000000000", "999999999999999999999999999.999999999999",
        "100000000000000000000000000000000000000000000000000",
    ])
    func overflow(text: String) {
        #expect(throws: DecimalParseError.overflow(input: text)) { try FixedPoint(parsing: text) }
    }

    @Test("a malformed character is reported before overflow or excess decimals")
    func errorPriority() {
        let long = String(repeating: "9", count: 40) + "x"
        #expect(throws: DecimalParseError.invalidCharacter(input: long, offset: 40)) { try FixedPoint(parsing: long) }
    }

    @Test("prices and quantities refuse a sign, money accepts it", arguments: ["-1", "-0.5", "-0"])
    func negativeWhereMeaningless(text: String) throws {
        #expect(throws: DecimalParseError.negative(input: text, type: "price")) { try Price(parsing: text) }
        #expect(throws: DecimalParseError.negative(input: text, type: "quantity")) { try Quantity(parsing: text) }
        #expect(try Money(parsing: text).value == FixedPoint(parsing: text))
    }

    @Test("error messages name the input and say what to do")
    func messages() {
        #expect(DecimalParseError.invalidCharacter(input: "1e5", offset: 1).description.contains("exponent"))
        #expect(DecimalParseError.invalidCharacter(input: "1e5", offset: 1).description.contains("'1e5'"))
        #expect(DecimalParseError.notANumber(input: "NaN").description.contains("NaN"))
        #expect(DecimalParseError.tooManyDecimals(input: "0.0000000000001", maximum: 12).description.contains("12 decimal places"))
        #expect(DecimalParseError.overflow(input: "1e99").description.contains("range"))
        #expect(DecimalParseError.negative(input: "-1", type: "price").description == "'-1' is negative, but a price cannot be")
        #expect(FieldError(field: "tickSz", error: .empty).description.hasPrefix("tickSz: "))
    }

    @Test("byte parsing agrees with string parsing, for every type")
    func byteParsing() throws {
        var text = "42219.9"
        let price = text.withUTF8 { Price.parse($0) }
        let quantity = text.withUTF8 { Quantity.parse($0) }
        let money = text.withUTF8 { Money.parse($0) }
        #expect(try price.get() == Price(parsing: "42219.9"))
        #expect(try quantity.get() == Quantity(parsing: "42219.9"))
        #expect(try money.get() == Money(parsing: "42219.9"))
    }

    @Test("write(into:) produces the longest text within maximumTextLength")
    func longestText() {
        let text = FixedPoint.min.description
        #expect(text.utf8.count == FixedPoint.maximumTextLength - 1 || text.utf8.count <= FixedPoint.maximumTextLength)
        #expect(text == "-170141183460469231731687303.715884105728")
    }
}

@Suite("FixedPoint arithmetic cases", .watchdog)
struct FixedPointArithmeticCaseTests {
    func fp(_ text: String) -> FixedPoint { FixedPoint(text)! }

    @Test("notional of a price and a size is exact")
    func notional() throws {
        let money = try Price(parsing: "42219.9").notional(Quantity(parsing: "0.12060306"))
        #expect(money.description == "5091.849132894")
    }

    @Test("rounding rules on products with more than 12 decimals")
    func productRounding() throws {
        let a = fp("0.000001"), b = fp("0.0000015")
        #expect(try a.multiplied(by: b, rounding: .towardZero).description == "0.000000000001")
        #expect(try a.multiplied(by: b, rounding: .up).description == "0.000000000002")
        #expect(try a.multiplied(by: b, rounding: .toNearestOrAwayFromZero).description == "0.000000000002")
        #expect(try a.negated.multiplied(by: b, rounding: .down).description == "-0.000000000002")
        #expect(try a.negated.multiplied(by: b, rounding: .up).description == "-0.000000000001")
    }

    @Test("division rounding and division by zero")
    func divisionRounding() throws {
        #expect(try fp("1").divided(by: fp("3"), rounding: .towardZero).description == "0.333333333333")
        #expect(try fp("2").divided(by: fp("3"), rounding: .toNearestOrAwayFromZero).description == "0.666666666667")
        #expect(try fp("-2").divided(by: fp("3"), rounding: .down).description == "-0.666666666667")
        #expect(throws: FixedPointArithmeticError.divisionByZero) { try fp("1").divided(by: .zero) }
    }

    @Test("products and quotients beyond the range throw overflow")
    func arithmeticOverflow() {
        #expect(throws: FixedPointArithmeticError.overflow(operation: "multiplication")) {
            try FixedPoint.max.multiplied(by: fp("2"))
        }
        #expect(throws: FixedPointArithmeticError.overflow(operation: "division")) {
            try FixedPoint.max.divided(by: fp("0.5"))
        }
        #expect(FixedPointArithmeticError.overflow(operation: "multiplication").description.contains("multiplication overflows"))
    }

    @Test("the most negative value survives multiplication by one and rounding to the smallest step")
    func mostNegativeValue() throws {
        #expect(try FixedPoint.min.multiplied(by: .one) == .min)
        #expect(FixedPoint.min.rounded(toMultipleOf: FixedPoint(raw: 1), .down) == .min)
        #expect(FixedPoint.max.roundedReportingOverflow(toMultipleOf: fp("1"), .up).overflow)
    }

    @Test("ticks and lots", arguments: [
        ("42219.97", "0.1", RoundingRule.down, "42219.9"), ("42219.97", "0.1", .up, "42220"),
        ("42219.95", "0.1", .toNearestOrAwayFromZero, "42220"), ("42219.94", "0.1", .toNearestOrAwayFromZero, "42219.9"),
        ("0.123456789", "0.00000001", .down, "0.12345678"), ("7", "5", .towardZero, "5"), ("-7", "5", .down, "-10"),
        ("0.5", "0", .down, "0.5"),
    ])
    func increments(value: String, increment: String, rule: RoundingRule, expected: String) {
        #expect(fp(value).rounded(toMultipleOf: fp(increment), rule).description == expected)
    }

    @Test("whole numbers and doubles")
    func conversions() {
        #expect(fp("42").exactInt == 42)
        #expect(fp("42.5").exactInt == nil)
        #expect(fp("-42219.9").doubleValue == -42219.9)
        #expect(FixedPoint(7).times(3) == fp("21"))
    }
}
