/// Why credentials could not be loaded. Every case names where they were looked for, never a
/// secret value.
public enum OKXCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A required part is absent or empty.
    case missing(field: String, source: String)
    /// A part has leading or trailing whitespace (a copy-paste accident that breaks every signature).
    case padded(field: String)
    /// The credentials file can be read by its group or by others.
    case fileTooOpen(path: String, mode: UInt16)
    /// The credentials file could not be read.
    case unreadable(path: String, reason: String)
    /// A line of the credentials file is not `NAME=value`, or names an unknown part.
    case malformedLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missing(let field, let source):
            "OKX credentials: \(field) is missing from \(source)"
        case .padded(let field):
            "OKX credentials: \(field) has leading or trailing whitespace; remove it (OKX would reject every signature)"
        case .fileTooOpen(let path, let mode):
            "OKX credentials file \(path) has mode \(String(mode & 0o777, radix: 8)), readable by group or others; run `chmod 600 \(path)`"
        case .unreadable(let path, let reason):
            "OKX credentials file \(path) cannot be read: \(reason)"
        case .malformedLine(let path, let line, let reason):
            "OKX credentials file \(path), line \(line): \(reason)"
        }
    }
}
