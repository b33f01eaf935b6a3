import StrategyKit

/// A strategy's parameters written as a Swift literal with the manifest's keys, exactly as its
/// `parameters:` map would hold them:
///
/// ```swift
/// ["fast_period": 3, "slow_period": 8, "order_quantity": 0.01, "allow_short": false]
/// ```
///
/// They are decoded by the same `ParameterDecoder` as a deployed manifest's, so a wrong type, a
/// missing or an unknown key is refused naming the field.
public struct ParameterMap: ExpressibleByDictionaryLiteral, Hashable, Sendable {
    /// The parameters by key.
    public var values: [String: ParameterLiteral]

    /// The parameters of the literal; a key written twice keeps its last value.
    public init(dictionaryLiteral elements: (String, ParameterLiteral)...) {
        self.values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// The parameters of a dictionary.
    public init(_ values: [String: ParameterLiteral]) { self.values = values }

    /// No parameters.
    public static var none: ParameterMap { ParameterMap([:]) }

    /// The manifest's form of the map.
    public var parameterValue: ParameterValue { .object(values.mapValues(\.value)) }
}

/// One parameter value written as a Swift literal: a number (exact, see ``ParameterMap``), a
/// string, a boolean, null, a list or a map.
public struct ParameterLiteral: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    /// The value as the manifest parser would have produced it.
    public var value: ParameterValue

    /// Wraps a value.
    public init(_ value: ParameterValue) { self.value = value }
    /// An integer.
    public init(integerLiteral value: Int) { self.value = .number(String(value)) }
    /// A decimal, spelled exactly as written (`0.01` stays 0.01).
    public init(floatLiteral value: Double) { self.value = DecimalLiteral.text(value).map(ParameterValue.number) ?? .null }
    /// A string (also how enum parameters are written: `"trades"`).
    public init(stringLiteral value: String) { self.value = .string(value) }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self.value = .bool(value) }
    /// Null (an optional parameter left unset).
    public init(nilLiteral: ()) { self.value = .null }
    /// A list.
    public init(arrayLiteral elements: ParameterLiteral...) { self.value = .array(elements.map(\.value)) }
    /// A nested map.
    public init(dictionaryLiteral elements: (String, ParameterLiteral)...) {
        self.value = .object(Dictionary(elements.map { ($0.0, $0.1.value) }, uniquingKeysWith: { _, last in last }))
    }
}
