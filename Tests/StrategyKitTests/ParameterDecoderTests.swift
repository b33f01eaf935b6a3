import StrategyKit
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct ParameterDecoderTests {
    enum Side: String, Decodable { case buy, sell }

    struct Level: Decodable, Equatable {
        var price: Price
        var size: Quantity
    }

    struct Parameters: Decodable {
        var period: Int
        var threshold: Double
        var enabled: Bool
        var label: String
        var capital: Money
        var side: Side
        var levels: [Level]
        var note: String?
    }

    static let good: ParameterValue = .object([
        "period": .number("14"), "threshold": .number("1.5"), "enabled": .bool(true), "label": .string("x"),
        "capital": .number("-12.5"), "side": .string("sell"),
        "levels": .array([.object(["price": .number("100.1"), "size": .string("0.000001")])]),
    ])

    private func decode(_ value: ParameterValue) throws(ParameterDecodingError) -> Parameters {
        try ParameterDecoder().decode(Parameters.self, from: value)
    }

    private func replacing(_ key: String, with value: ParameterValue?) -> ParameterValue {
        guard case .object(var members) = Self.good else { return Self.good }
        members[key] = value
        return .object(members)
    }

    @Test func decodesEveryKindExactly() throws {
        let parameters = try decode(Self.good)
        #expect(parameters.period == 14)
        #expect(parameters.threshold == 1.5)
        #expect(parameters.enabled)
        #expect(parameters.capital == (try Money(parsing: "-12.5")))
        #expect(parameters.side == .sell)
        #expect(parameters.levels == [Level(price: try Price(parsing: "100.1"), size: try Quantity(parsing: "0.000001"))])
        #expect(parameters.note == nil)
    }

    @Test func errorsNameTheField() {
        let cases: [(ParameterValue, String, String)] = [
            (replacing("period", with: .string("14")), "parameters.period", "expected an integer, found the string \"14\""),
            (replacing("period", with: .number("14.5")), "parameters.period", "expected an integer"),
            (replacing("period", with: nil), "parameters.period", "missing"),
            (replacing("threshold", with: .bool(true)), "parameters.threshold", "expected a number"),
            (replacing("enabled", with: .string("yes")), "parameters.enabled", "true or false"),
            (replacing("label", with: .number("3")), "parameters.label", "expected a string"),
            (replacing("capital", with: .string("1e5x")), "parameters.capital", "decimal"),
            (replacing("side", with: .string("hold")), "parameters.side", "hold"),
            (replacing("levels", with: .array([.object(["price": .number("-1"), "size": .number("1")])])), "parameters.levels[0].price", "negative"),
            (replacing("levels", with: .array([.object(["price": .number("1")])])), "parameters.levels[0].size", "missing"),
            (replacing("levels", with: .string("none")), "parameters.levels", "expected a list"),
            (replacing("extra", with: .number("1")), "parameters.extra", "unknown parameter"),
            (replacing("levels", with: .array([.object(["price": .number("1"), "size": .number("1"), "sise": .number("2")])])), "parameters.levels[0].sise", "unknown parameter"),
            (.array([]), "parameters", "expected a map"),
        ]
        for (value, path, reason) in cases {
            do {
                _ = try decode(value)
                Issue.record("\(path): expected a refusal")
            } catch {
                #expect(error.path == path, "\(error)")
                #expect(error.reason.contains(reason), "\(error)")
                #expect(error.description.hasPrefix(path + ": "))
            }
        }
    }

    /// snake_case manifest keys fill camelCase fields without a CodingKeys block; errors, unknown
    /// keys and missing keys are named as the manifest spells them; a dictionary's own keys are
    /// never renamed.
    struct Tuned: Decodable, Equatable {
        var fastPeriod: Int
        var maxDailyLossPct: Double?
        var weights: [String: Quantity]
    }

    @Test func snakeCaseKeysFillCamelCaseFields() throws {
        let tuned = try ParameterDecoder().decode(Tuned.self, from: .object([
            "fast_period": .number("5"), "max_daily_loss_pct": .number("2.5"), "weights": .object(["BTC-USDT": .number("1"), "eth_usdt": .number("2")]),
        ]))
        #expect(tuned == Tuned(fastPeriod: 5, maxDailyLossPct: 2.5,
                               weights: ["BTC-USDT": try Quantity(parsing: "1"), "eth_usdt": try Quantity(parsing: "2")]))
        #expect(throws: ParameterDecodingError(path: "parameters.fast_period", reason: "missing (required by the strategy)")) {
            try ParameterDecoder().decode(Tuned.self, from: .object(["weights": .object([:])]))
        }
        let wrongType = #expect(throws: ParameterDecodingError.self) {
            try ParameterDecoder().decode(Tuned.self, from: .object(["fast_period": .string("5"), "weights": .object([:])]))
        }
        #expect(wrongType?.path == "parameters.fast_period")
        let unknown = #expect(throws: ParameterDecodingError.self) {
            try ParameterDecoder().decode(Tuned.self, from: .object(["fast_period": .number("5"), "fastperiod": .number("6"), "weights": .object([:])]))
        }
        #expect(unknown?.path == "parameters.fastperiod")
    }

    @Test func requireNamesTheParameter() {
        let (fast, slow) = (10, 10)
        #expect(throws: ParameterDecodingError(path: "parameters.slow_period", reason: "must exceed fast_period (10)")) {
            try require(slow > fast, "slow_period", "must exceed fast_period (\(fast))")
        }
        #expect(throws: Never.self) { try require(slow >= fast, "slow_period", "must not be below fast_period") }
    }

    @Test func noParametersAcceptsNothingOrAnEmptyMap() throws {
        _ = try ParameterDecoder().decode(NoParameters.self, from: .null)
        _ = try ParameterDecoder().decode(NoParameters.self, from: .object([:]))
        #expect(throws: ParameterDecodingError(path: "parameters.x", reason: "unknown parameter (the strategy does not read it; check the spelling)")) {
            try ParameterDecoder().decode(NoParameters.self, from: .object(["x": .number("1")]))
        }
    }

    @Test func jsonTextIsCanonical() {
        let value: ParameterValue = .object(["b": .array([.number("1.50"), .bool(false), .null]), "a": .string("q\"\n")])
        #expect(value.jsonText == #"{"a":"q\"\n","b":[1.5,false,null]}"#)
    }
}
