import TestSupport
import Testing

/// A negative number after a numeric option is a wrong value to name, not a missing one: the
/// options take their next argument whatever it starts with.
@Suite(.watchdog) struct NegativeOptionTests {
    @Test(arguments: [
        (["trades", "--limit", "-5"], "--limit '-5': must be between 1 and 10000"),
        (["perf", "--days", "-2"], "--days '-2': must be between 1 and 3660"),
        (["run", "--paper", "--synthetic", "--duration", "-5s"], "--duration '-5s': expected a positive whole number"),
        (["replay", "README.md", "--speed", "-3"], "--speed must be max or a positive multiple such as 1x or 10x, not '-3'"),
        (["sweep", "strategies/sma_crossover.yaml", "README.md", "--param", "fast_period=3", "--jobs", "-1"], "--jobs must be at least 1, not -1"),
    ])
    func aNegativeNumberIsNamedAsWrong(arguments: [String], says: String) async throws {
        // A database that cannot be reached: the options are checked before any connection.
        let run = try await HostEndToEndTests.run(arguments, environment: ["DATABASE_URL": "postgresql://runtime@127.0.0.1:1/none"])
        #expect(run.status != 0 && run.output.contains(says), "\(arguments): \(run.output.suffix(1_000))")
        #expect(!run.output.contains("Missing value"), "\(run.output.suffix(1_000))")
    }
}
