import Logging
import PostgresNIO

/// Reads for the tests' assertions about what the host wrote.
enum SQLTestQueries {
    struct NotAWholeNumber: Error, CustomStringConvertible {
        var sql: String
        var value: String
        var description: String { "expected one whole number from \(sql), got \(value)" }
    }

    /// Every row of a one-column query, as text.
    static func strings(_ client: PostgresClient, _ sql: String) async throws -> [String] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
        var result: [String] = []
        for try await value in rows.decode(String.self) { result.append(value) }
        return result
    }

    /// The one whole number a one-row, one-column query returns (a count, say).
    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        let value = try await strings(client, "SELECT (\(sql))::text").first ?? ""
        guard let number = Int(value) else { throw NotAWholeNumber(sql: sql, value: value) }
        return number
    }
}
