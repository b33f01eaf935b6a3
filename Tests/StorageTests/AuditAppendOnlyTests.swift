import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing

/// audit_logs keeps every row as written: UPDATE, DELETE and TRUNCATE are refused at the server,
/// for the table's owner too, on both flavors; inserting goes on.
@Suite(.watchdog) struct AuditAppendOnlyTests {
    @Test(arguments: SchemaFlavor.allCases) func auditRowsCannotBeChangedOrRemoved(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { _, client in
            try await client.query("INSERT INTO audit_logs (action, resource_type, resource_id) VALUES ('deploy', 'strategy', 'sma')")
            for statement in ["UPDATE audit_logs SET action = 'nothing'", "DELETE FROM audit_logs", "TRUNCATE audit_logs"] {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: statement))
                    Issue.record("\(statement): the server allowed it")
                } catch {
                    #expect(postgresSQLState(error) == "42501", "\(statement): \(postgresErrorText(error))")
                    #expect(postgresErrorText(error).contains("append-only"))
                }
            }
            try await client.query("INSERT INTO audit_logs (action, resource_type, resource_id) VALUES ('pause', 'strategy', 'sma')")
            var actions: [String] = []
            for try await action in try await client.query("SELECT action FROM audit_logs ORDER BY id").decode(String.self) { actions.append(action) }
            #expect(actions == ["deploy", "pause"])
        }
    }
}
