/// Why the `quality:` configuration was refused. Every case names the field by its full path,
/// e.g. `quality.instruments.BTC-USDT.price.max_deviation_pct`, so the fix is obvious.
public enum QualityConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A value of the right type outside its allowed range.
    case invalidValue(field: String, value: String, requirement: String)
    /// A value of the wrong type, e.g. text where a number belongs.
    case wrongType(field: String, expected: String)
    /// A key this section does not know (usually a typo, which would otherwise be silently ignored).
    case unknownKey(field: String, knownKeys: [String])
    /// An `instruments:` key that is not an OKX instrument id.
    case invalidInstrument(field: String, reason: String)
    /// Two fields that are each valid but contradict each other.
    case inconsistent(field: String, reason: String)

    /// The full path of the offending field.
    public var field: String {
        switch self {
        case .invalidValue(let field, _, _), .wrongType(let field, _), .unknownKey(let field, _),
             .invalidInstrument(let field, _), .inconsistent(let field, _):
            field
        }
    }

    public var description: String {
        switch self {
        case .invalidValue(let field, let value, let requirement):
            "\(field) = \(value) is invalid: it \(requirement)"
        case .wrongType(let field, let expected):
            "\(field) has the wrong type: expected \(expected)"
        case .unknownKey(let field, let knownKeys):
            "\(field) is not a known setting; this section knows: \(knownKeys.joined(separator: ", "))"
        case .invalidInstrument(let field, let reason):
            "\(field) does not name an instrument: \(reason)"
        case .inconsistent(let field, let reason):
            "\(field) is inconsistent: \(reason)"
        }
    }
}

extension QualityConfigurationError {
    /// The configuration error inside `error`, if any. Some decoders (Yams) wrap errors thrown by
    /// a `Decodable` initializer in `DecodingError.dataCorrupted(context)` with the original as the
    /// context's underlying error; this digs it out so the operator sees which field was wrong.
    public static func find(in error: any Error) -> QualityConfigurationError? {
        if let direct = error as? QualityConfigurationError { return direct }
        guard let decoding = error as? DecodingError else { return nil }
        let context: DecodingError.Context
        switch decoding {
        case .dataCorrupted(let found), .keyNotFound(_, let found), .typeMismatch(_, let found), .valueNotFound(_, let found):
            context = found
        @unknown default:
            return nil
        }
        return context.underlyingError.flatMap { find(in: $0) }
    }
}
