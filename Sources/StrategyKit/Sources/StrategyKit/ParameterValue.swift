import TradingCore

/// A manifest parameter as written, before it is decoded into a strategy's typed `Parameters`:
/// a neutral JSON-like tree, so the SDK needs no YAML library (the host converts YAML into it).
///
/// Numbers keep their decimal text, so `0.1` decodes exactly into `FixedPoint`, `Price`,
/// `Quantity` or `Money`, and refuses to become an `Int`.
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    /// An explicit null (`~`, `null`, or nothing after the colon).
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its decimal text (`10`, `-0.5`, `1e-3`).
    case number(String)
    /// A string.
    case string(String)
    /// A list.
    case array([ParameterValue])
    /// A map from names to values.
    case object([String: ParameterValue])

    /// What kind of value this is, for error messages (`a number`, `a string`, ...).
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a map"
        }
    }

    /// Compact JSON text, keys sorted (the form stored in the database's jsonb columns).
    public var jsonText: String {
        var output = ""
        writeJSON(into: &output)
        return output
    }

    /// The JSON text.
    public var description: String { jsonText }

    private func writeJSON(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += Self.jsonNumber(text)
        case .string(let text): JSONString.append(text, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeJSON(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                JSONString.append(key, to: &output)
                output += ":"
                members[key]?.writeJSON(into: &output)
            }
            output += "}"
        }
    }

    /// JSON has no `+1`, `.5` or `1.`: normalize what YAML allows into what JSON accepts.
    private static func jsonNumber(_ text: String) -> String {
        if let fixed = try? FixedPoint(parsing: text) { return fixed.description }
        if let double = Double(text), double.isFinite { return "\(double)" }
        return "null"
    }

}
