import Foundation

/// Loads ``OKXCredentials`` from environment variables or from a file only its owner can read.
///
/// Names: `<prefix>API_KEY`, `<prefix>API_SECRET`, `<prefix>API_PASSPHRASE`, with prefix `OKX_` for
/// live keys and `OKX_DEMO_` for demo-trading keys. Demo and live keys are different keys at OKX
/// (mixing them gives `50101`); keeping them under different names means a demo run cannot pick up
/// a live key by accident. The file holds the same `NAME=value` lines (blank lines and `#` comments
/// allowed), so there is one format to remember.
public enum OKXCredentialsLoader {
    /// The variable-name prefix for live keys.
    public static let livePrefix = "OKX_"
    /// The variable-name prefix for demo-trading keys.
    public static let demoPrefix = "OKX_DEMO_"

    /// Reads the three variables from `environment` (pass `ProcessInfo.processInfo.environment`).
    public static func fromEnvironment(_ environment: [String: String], prefix: String) throws(OKXCredentialsError) -> OKXCredentials {
        try credentials(from: environment, prefix: prefix, source: "the environment")
    }

    /// Reads a credentials file, refusing one that its group or others may read.
    public static func fromFile(atPath path: String, prefix: String) throws(OKXCredentialsError) -> OKXCredentials {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        guard let permissions = attributes[.posixPermissions] as? NSNumber else {
            throw .unreadable(path: path, reason: "its permissions could not be read")
        }
        // The mode is checked before the contents are read: a secret in an open file is already
        // exposed, and refusing it is the only way to make the operator notice.
        try checkMode(UInt16(truncatingIfNeeded: permissions.intValue), path: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "it could not be opened")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "it is not UTF-8 text")
        }
        return try parseFile(text, path: path, prefix: prefix)
    }

    /// Refuses any permission bit for group or others (owner-only files: 0600, 0400).
    public static func checkMode(_ mode: UInt16, path: String) throws(OKXCredentialsError) {
        guard mode & 0o077 == 0 else { throw .fileTooOpen(path: path, mode: mode) }
    }

    /// Parses the `NAME=value` lines of a credentials file.
    public static func parseFile(_ text: String, path: String, prefix: String) throws(OKXCredentialsError) -> OKXCredentials {
        var values: [String: String] = [:]
        let known = Set(names(prefix: prefix).map(\.variable))
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw .malformedLine(path: path, line: index + 1, reason: "expected NAME=value")
            }
            let name = String(line[..<equals]).trimmingWhitespace
            guard known.contains(name) else {
                throw .malformedLine(path: path, line: index + 1,
                                     reason: "unknown name '\(name)'; expected one of \(known.sorted().joined(separator: ", "))")
            }
            values[name] = String(line[line.index(after: equals)...]).trimmingWhitespace
        }
        return try credentials(from: values, prefix: prefix, source: path)
    }

    private static func names(prefix: String) -> [(field: String, variable: String)] {
        [("api key", prefix + "API_KEY"), ("secret", prefix + "API_SECRET"), ("passphrase", prefix + "API_PASSPHRASE")]
    }

    private static func credentials(from values: [String: String], prefix: String, source: String) throws(OKXCredentialsError) -> OKXCredentials {
        var found: [String] = []
        for (field, variable) in names(prefix: prefix) {
            guard let value = values[variable], !value.isEmpty else { throw .missing(field: "\(field) (\(variable))", source: source) }
            found.append(value)
        }
        return try OKXCredentials(apiKey: found[0], secret: found[1], passphrase: found[2])
    }
}
