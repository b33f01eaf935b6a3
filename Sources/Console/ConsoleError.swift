/// Why the console refused to start or to accept an input. Each case names the field and the reason.
public enum ConsoleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An argument or form field is malformed.
    case invalidArgument(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let field, let reason): "\(field): \(reason)"
        }
    }
}
