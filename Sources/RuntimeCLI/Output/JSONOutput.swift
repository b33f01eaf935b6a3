import Foundation

/// Writes `--json` output: sorted keys so output is stable for scripts and diffs. Amounts are
/// encoded by the callers as decimal strings, never as JSON numbers, so nothing is rounded.
enum JSONOutput {
    static func render<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
