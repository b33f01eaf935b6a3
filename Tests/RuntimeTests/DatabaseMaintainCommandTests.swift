import Foundation
import Storage
import TestSupport
import Testing

/// `runtime db maintain` runs one maintenance pass against the database and says what it did;
/// a bad option is refused naming it, with a non-zero exit.
@Suite(.watchdog) struct DatabaseMaintainCommandTests {
    @Test func maintainRunsOnePassAndRefusesABadRange() async throws {
        try await ScratchDatabase.with { database, _ in
            let environment = ["DATABASE_URL": database.target.url()]
            let pass = try await HostEndToEndTests.run(["db", "maintain", "--refresh-from", "2026-10-01", "--refresh-to", "2026-10-03"],
                                                       environment: environment)
            #expect(pass.status == 0, "\(pass.output)")
            #expect(pass.standardOutput.contains("maintained the \(database.flavor?.rawValue ?? "-") schema"))
            #expect(pass.standardOutput.contains("strategy_performance_daily"))
            #expect(pass.standardOutput.contains("late data rolled up from 2026-10-01"))

            let backwards = try await HostEndToEndTests.run(["db", "maintain", "--refresh-from", "2026-10-03", "--refresh-to", "2026-10-01"],
                                                            environment: environment)
            #expect(backwards.status != 0)
            #expect(backwards.output.contains("--refresh-from"))
            let bad = try await HostEndToEndTests.run(["db", "maintain", "--refresh-from", "last week"], environment: environment)
            #expect(bad.status != 0)
            #expect(bad.output.contains("--refresh-from") && bad.output.contains("not a time"))
        }
    }
}
