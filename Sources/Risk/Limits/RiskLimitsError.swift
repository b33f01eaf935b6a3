/// Why a set of risk limits was refused. Each case names the field, the value that was given
/// and what a valid value looks like, so a quant can fix the manifest without reading code.
public enum RiskLimitsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field holds a value outside its sensible range.
    case invalidValue(field: String, value: String, reason: String)
    /// The field is not a decimal or integer at all.
    case notANumber(field: String, value: String)
    /// The field is not one this runtime knows: most likely a typo of one that it does.
    case unknownField(field: String, known: [String])
    /// The field only makes sense together with another one that is missing.
    case missingCompanion(field: String, requires: String)

    public var description: String {
        switch self {
        case .invalidValue(let field, let value, let reason):
            "risk limit '\(field)' = \(value) is refused: \(reason)"
        case .notANumber(let field, let value):
            "risk limit '\(field)' = \(value) is not a number; write a decimal such as \"1000\" or \"0.5\""
        case .unknownField(let field, let known):
            "risk limit '\(field)' is unknown; known limits are \(known.joined(separator: ", "))"
        case .missingCompanion(let field, let requires):
            "risk limit '\(field)' needs '\(requires)' to be set as well"
        }
    }
}
