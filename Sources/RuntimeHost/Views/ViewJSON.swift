import StrategyKit
import TradingCore

/// The views' JSON values. Amounts and prices are decimal strings, never JSON numbers, so a
/// script reading them loses no digit; counts are numbers; times are ISO 8601 UTC strings.
enum ViewJSON {
    static func amount(_ value: FixedPoint) -> ParameterValue { .string(value.description) }
    static func amount(_ value: FixedPoint?) -> ParameterValue { value.map { .string($0.description) } ?? .null }
    static func time(_ value: Timestamp) -> ParameterValue { .string(value.description) }
    static func time(_ value: Timestamp?) -> ParameterValue { value.map { .string($0.description) } ?? .null }
    static func count(_ value: Int) -> ParameterValue { .number(String(value)) }
    static func count(_ value: Int64?) -> ParameterValue { value.map { .number(String($0)) } ?? .null }
    static func text(_ value: String?) -> ParameterValue { value.map(ParameterValue.string) ?? .null }
}
