/// One thing wrong with a strategy manifest: the field (a dotted path from the manifest's root,
/// e.g. `risk_limits.max_leverage` or `instruments[1]`) and what is wrong with it.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending field.
    public var field: String
    /// What is wrong and what is expected.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }
}

/// Everything wrong with a manifest (validation continues past the first problem where it can).
public struct ManifestValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The manifest file, when it came from one.
    public var source: String?
    /// The problems, in manifest order.
    public var errors: [ManifestError]

    /// Creates a failure.
    public init(source: String?, errors: [ManifestError]) {
        self.source = source
        self.errors = errors
    }

    /// One line per problem, prefixed with the file.
    public var description: String {
        let prefix = source.map { "\($0): " } ?? ""
        return errors.map { prefix + $0.description }.joined(separator: "\n")
    }

    /// Whether some error is about `field` (or a field inside it).
    public func mentions(_ field: String) -> Bool {
        errors.contains { $0.field == field || $0.field.hasPrefix(field + ".") || $0.field.hasPrefix(field + "[") }
    }
}
