import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body (every console form), parsed by hand: the
/// fields are few and flat.
struct FormFields: Sendable {
    var values: [String: String]

    /// The body of `request`, at most 16 KiB.
    static func read(_ request: Request) async throws -> FormFields {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        return FormFields(encoded: String(buffer: buffer))
    }

    init(encoded: String) {
        var values: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }
}
