import Analytics
import Foundation
import StrategyKit
import TradingCore

/// Why a `--param` was refused; every message names the option and the parameter.
public struct SweepParameterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, naming the option.
    public var message: String
    /// An error with its message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One swept parameter, parsed from `--param name=a,b,c` (a list: numbers, `true`/`false` or
/// words) or `--param name=lo..hi:step` (an inclusive range of integers or decimals, computed
/// exactly in fixed point, so `0.1..0.3:0.1` is 0.1, 0.2, 0.3).
public struct SweepParameter: Hashable, Sendable {
    /// The most values one `--param` may expand to.
    public static let maximumValues = 1_000

    /// The parameter's name in the manifest.
    public var name: String
    /// The values as manifest text, in order.
    public var values: [String]

    /// A parameter with its values.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// Parses `name=...`.
    public init(parsing text: String) throws(SweepParameterError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw SweepParameterError("--param '\(text)': expected name=a,b,c or name=lo..hi:step")
        }
        name = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let spec = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw SweepParameterError("--param '\(text)': the parameter name must be letters, digits and _")
        }
        guard !spec.isEmpty else { throw SweepParameterError("--param \(name): no values after '='") }
        if spec.contains("..") {
            values = try Self.range(spec, name: name)
        } else {
            values = spec.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !values.contains(where: \.isEmpty) else { throw SweepParameterError("--param \(name): an empty value in '\(spec)'") }
            guard values.count <= Self.maximumValues else {
                throw SweepParameterError("--param \(name): \(values.count) values, more than \(Self.maximumValues)")
            }
            guard Set(values).count == values.count else { throw SweepParameterError("--param \(name): a value is listed twice in '\(spec)'") }
        }
    }

    /// `lo..hi:step`, inclusive of `hi` when the steps land on it.
    static func range(_ spec: String, name: String) throws(SweepParameterError) -> [String] {
        let usage = "--param \(name)=\(spec): expected lo..hi:step, e.g. 20..60:10 or 0.5..2:0.25"
        guard let dots = spec.range(of: ".."), let colon = spec.lastIndex(of: ":"), colon > dots.upperBound else {
            throw SweepParameterError(usage)
        }
        let (lowText, highText, stepText) = (String(spec[..<dots.lowerBound]), String(spec[dots.upperBound..<colon]),
                                             String(spec[spec.index(after: colon)...]))
        guard let low = try? FixedPoint(parsing: lowText), let high = try? FixedPoint(parsing: highText),
              let step = try? FixedPoint(parsing: stepText) else { throw SweepParameterError(usage) }
        guard step.isPositive else { throw SweepParameterError("--param \(name)=\(spec): the step must be above 0, not \(stepText)") }
        guard low <= high else { throw SweepParameterError("--param \(name)=\(spec): the range is empty (\(lowText) > \(highText))") }
        var result: [String] = []
        var value = low
        while value <= high {
            guard result.count < maximumValues else {
                throw SweepParameterError("--param \(name)=\(spec): more than \(maximumValues) values; use a larger step")
            }
            result.append(value.description)
            value += step
        }
        return result
    }

    /// The manifest value of `text`: a number, a boolean or a string.
    public static func parameterValue(_ text: String) -> ParameterValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if (try? FixedPoint(parsing: text)) != nil { return .number(text) }
        return .string(text)
    }
}
