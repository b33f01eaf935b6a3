@testable import PostgresNIO
import Storage
import TestSupport
import Testing

/// `DatabaseTarget.withClient`, which every command and the host open the database with.
@Suite(.watchdog) struct WithClientTests {
    /// A body leases a connection at once, as every command does. The client's run() used to
    /// start in a plain task on another thread, and a body that won the race (seen in CI, on a
    /// loaded machine) made PostgresNIO warn that run() "hasn't been called yet". The race is
    /// rare, so this reads the client's own running mark, as PostgresNIO's lease does.
    @Test func theClientRunsBeforeTheBodyStarts() async throws {
        try await ScratchDatabase.with(migrated: false) { database, _ in
            for round in 0..<50 {
                let running = try await database.target.withClient { client in
                    let running = client.runningAtomic.load(ordering: .relaxed)
                    let rows = try await client.query("SELECT \(round)::int")
                    for try await value in rows.decode(Int.self) { #expect(value == round) }
                    return running
                }
                #expect(running, "round \(round)")
            }
        }
    }
}
