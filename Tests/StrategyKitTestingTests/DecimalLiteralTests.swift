@testable import StrategyKitTesting
import TestSupport
import Testing

/// Numbers written in tests are the decimals they spell, never their binary neighbours.
@Suite(.watchdog) struct DecimalLiteralTests {
    @Test(arguments: [
        (0.1, "0.1"), (0.01, "0.01"), (100.0, "100"), (100.5, "100.5"), (1e-5, "0.00001"), (-1.5e-7, "-0.00000015"),
        (0.00999, "0.00999"), (1e21, "1000000000000000000000"), (123456.789, "123456.789"),
    ])
    func aDoubleReadsAsTheDecimalItSpells(value: Double, text: String) {
        #expect(DecimalLiteral.text(value) == text)
    }

    @Test func literalsCompareExactly() {
        let tenth: FixedPoint = 0.1
        #expect(tenth == FixedPoint("0.1"))
        let size: Quantity = 0.00999
        #expect(size.value == FixedPoint("0.00999"))
        let whole: Money = 10_000
        #expect(whole.value == FixedPoint(10_000))
    }

    @Test func parameterLiteralsKeepTheirText() {
        let map: ParameterMap = ["order_quantity": 0.01, "window": 30, "source": "trades", "short": false, "stop": nil]
        #expect(map.parameterValue == .object([
            "order_quantity": .number("0.01"), "window": .number("30"), "source": .string("trades"), "short": .bool(false),
            "stop": .null,
        ]))
    }
}
