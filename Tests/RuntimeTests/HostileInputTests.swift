import Foundation
import PostgresNIO
@testable import RuntimeHost
import Storage
import TestSupport
import Testing

/// Inputs that must not hurt (issue 18 part 4): YAML built to exhaust memory, time or the stack,
/// or to say one thing to a reader and another to the runtime, is refused with its reason before
/// any other work, in deploy and in config loading, and what was already accepted stays as it was.
@Suite(.watchdog) struct HostileInputTests {
    struct Hostile: Sendable, CustomTestStringConvertible {
        var label: String
        var yaml: String
        /// Words the refusal must contain.
        var reason: String
        var testDescription: String { label }
    }

    static let good = ManifestValidatorTests.good

    static func nested(_ levels: Int) -> String {
        String(repeating: "[", count: levels) + "1" + String(repeating: "]", count: levels)
    }

    static let manifests: [Hostile] = [
        Hostile(label: "a manifest over 1 MiB", yaml: good + "\n#" + String(repeating: "x", count: SafeYAML.maximumBytes), reason: "1 MiB"),
        Hostile(label: "a 100-level nested manifest",
                yaml: good.replacingOccurrences(of: "  fast_period: 5", with: "  fast_period: \(nested(100))"), reason: "nested more than 64 levels"),
        Hostile(label: "a 5,000-level nested manifest (past libyaml's own limit)",
                yaml: good.replacingOccurrences(of: "  fast_period: 5", with: "  fast_period: \(nested(5_000))"), reason: "not valid YAML"),
        Hostile(label: "a billion-laughs manifest", yaml: good + """

            lol1: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            lol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            lol5: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            lol6: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            lol7: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
            lol8: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
            lol9: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
            """, reason: "anchors and aliases"),
        Hostile(label: "an innocent-looking anchor and alias",
                yaml: good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: &cap 10000\nmax_cap: *cap"),
                reason: "anchors and aliases"),
        Hostile(label: "a tagged duplicate key (!x name:)", yaml: "!x name: evil\n" + good, reason: "appears more than once"),
        Hostile(label: "a plain duplicate key", yaml: good + "\nname: evil\n", reason: "appears more than once"),
        Hostile(label: "a custom tag on a value",
                yaml: good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: !money 10000"), reason: "custom tag"),
        Hostile(label: "two documents in one file", yaml: good + "\n---\n" + good, reason: "single document"),
        Hostile(label: "an over-long strategy name",
                yaml: good.replacingOccurrences(of: "name: sma_test", with: "name: " + String(repeating: "n", count: 5_000)), reason: "name"),
    ]

    /// Through the deploy path: refused naming the reason; the deployed strategy and every other
    /// table unchanged; one refused audit row (also for the over-long name).
    @Test(arguments: manifests)
    func aHostileManifestIsRefusedAndChangesNothing(_ hostile: Hostile) async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(Self.good, client: client)
            let before = try await OperatorTestSupport.snapshot(client)
            let auditBefore = try await OperatorTestSupport.auditRows(client)
            let failure = await #expect(throws: ManifestValidationFailure.self) {
                try await OperatorTestSupport.deploy(hostile.yaml, client: client)
            }
            #expect(failure?.description.contains(hostile.reason) == true, "\(hostile.label): \(failure?.description ?? "-")")
            #expect(try await OperatorTestSupport.snapshot(client) == before, "\(hostile.label) changed a table")
            let audit = try await OperatorTestSupport.auditRows(client)
            #expect(audit.count == auditBefore.count + 1, "\(hostile.label): the refusal is audited")
            #expect(audit.last?.success == false)
        }
    }

    /// The same limits hold for config/runtime.yaml and config/instruments.yaml.
    @Test(arguments: [
        ("database:\n  url: &u postgresql:///x\nfeed:\n  public_url: *u\n", "anchors and aliases"),
        ("quality: \(nested(70))\n", "nested more than 64 levels"),
        ("!x database: {}\ndatabase: {}\n", "appears more than once"),
        ("host: !!binary aGVsbG8=\nfeed: !evil {}\n", "custom tag"),
    ])
    func configurationFilesHaveTheSameLimits(yaml: String, reason: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try RuntimeConfiguration(yaml: yaml, path: "runtime.yaml") }
        #expect("\(error)".contains(reason), "\(error)")
        let catalogError = try #require(throws: InstrumentCatalogError.self) {
            try InstrumentCatalog.parse(yaml: "instruments:\n  - " + yaml.replacingOccurrences(of: "\n", with: "\n    "), source: "instruments.yaml")
        }
        #expect("\(catalogError)".contains(reason) || "\(catalogError)".contains("not valid YAML"), "\(catalogError)")
    }

    @Test func anOversizedConfigurationFileIsRefusedWithoutReadingIt() throws {
        let directory = try PluginTestSupport.scratchDirectory("big-config")
        let path = directory + "/runtime.yaml"
        try Data(repeating: UInt8(ascii: "#"), count: SafeYAML.maximumBytes + 1).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ConfigurationError.self) { try RuntimeConfiguration(contentsOf: path) }
        #expect("\(error)".contains("1 MiB"), "\(error)")
        #expect(throws: ConfigurationError.self) { try HostSettings.load(path: path) }
        #expect(throws: ConfigurationError.self) { try DatabaseSettings.load(path: path) }
    }

    /// A date the runtime cannot represent is an error naming the option, never a trap.
    @Test(arguments: ["99999-01-01", "9999999-12-31T00:00:00Z", "-292278994-01-01T00:00:00Z", "9000000000000000", "-9223372036854775808", "2300-01-01"])
    func datesOutsideTheRepresentableRangeAreRefused(text: String) throws {
        let error = try #require(throws: ViewOptionError.self) { try ViewOptions.time(text, option: "--from") }
        #expect(error.option == "--from")
        #expect("\(error)".contains("represent") || "\(error)".contains("not a time"), "\(error)")
    }

    @Test func theCommandsRefuseAnUnrepresentableDateAndExitNonZero() async throws {
        try await ScratchDatabase.with { database, _ in
            let environment = ["DATABASE_URL": database.target.url()]
            for arguments in [["trades", "--from", "9999999-12-31T00:00:00Z"], ["candles", "BTC-USDT", "--interval", "1h", "--from", "2026-01-01", "--to", "9999999999999999"]] {
                let run = try await HostEndToEndTests.run(arguments, environment: environment)
                #expect(run.status != 0 && run.status < 128, "\(arguments): exit \(run.status)")
                #expect(run.output.contains("represent"), "\(arguments): \(run.output)")
            }
        }
    }

    /// `runtime status` in someone else's folder never runs the SQL in its ./migrations.
    @Test func aForeignMigrationsFolderIsNeverRun() async throws {
        let folder = try PluginTestSupport.scratchDirectory("foreign-migrations")
        try FileManager.default.createDirectory(atPath: folder + "/migrations", withIntermediateDirectories: true)
        try "CREATE TABLE planted_by_a_stranger (x int);".write(toFile: folder + "/migrations/001_initial_schema.sql", atomically: true, encoding: .utf8)
        try await ScratchDatabase.with(migrated: false) { database, client in
            let run = try await ChildProcess.run(HostEndToEndTests.runtime, ["status", "--json"],
                                                 environment: ["DATABASE_URL": database.target.url()], directory: URL(fileURLWithPath: folder))
            #expect(run.status == 0 || run.status == 2, "\(run.output)")
            let planted = try await client.query("SELECT to_regclass('planted_by_a_stranger')::text AS name")
            for try await name in planted.decode(String?.self) { #expect(name == nil, "the stranger's SQL ran") }
            let strategies = try await client.query("SELECT to_regclass('strategies')::text AS name")
            for try await name in strategies.decode(String?.self) { #expect(name == "strategies", "the runtime's own migrations ran") }
        }
    }

    /// `runtime db url` shows a DATABASE_URL's password as ***, in the user part or a parameter.
    @Test(arguments: ["postgresql://trader:s3cret@127.0.0.1:1/runtime", "postgresql://trader@127.0.0.1:1/runtime?password=s3cret"])
    func theDatabaseURLIsPrintedWithoutItsPassword(url: String) async throws {
        let run = try await HostEndToEndTests.run(["db", "url"], environment: ["DATABASE_URL": url])
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains("s3cret") && run.standardOutput.contains("***"), "\(run.output)")
    }

    /// One stored manifest that no longer validates stops only that strategy: halted, with a risk
    /// event and an audit row saying why; the host prepares the others.
    @Test func aStoredManifestThatNoLongerValidatesStopsOnlyItsStrategy() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(Self.good, client: client)
            try await OperatorTestSupport.deploy(OperatorTestSupport.manifest(named: "sma_broken"), client: client)
            try await client.query("UPDATE strategies SET manifest = jsonb_set(manifest, '{plugin}', '\"RemovedPlugin\"') WHERE name = 'sma_broken'")

            let plan = try await PaperRestartTests.plan(client, target: database.target)
            await plan.releaseLocks()
            #expect(plan.strategies.map(\.rawValue) == ["sma_test"])
            let status = try await SQLTestQueries.strings(client, "SELECT name || ' ' || status FROM strategies ORDER BY name")
            #expect(status == ["sma_broken halted", "sma_test paper_trading"] || status == ["sma_broken halted", "sma_test active"], "\(status)")
            let events = try await SQLTestQueries.strings(client, """
                SELECT e.event_type || ' ' || e.severity FROM risk_events e JOIN strategies s ON s.id = e.strategy_id WHERE s.name = 'sma_broken'
                """)
            #expect(events == ["manifest_invalid critical"])
            let audit = try await OperatorTestSupport.auditRows(client)
            #expect(audit.last?.action == "strategy.halt" && audit.last?.resourceId == "sma_broken")
            #expect(audit.last?.newValue?.contains("RemovedPlugin") == true, "\(audit.last?.newValue ?? "-")")
        }
    }

    /// `deploy --plugin-path` naming a library the host would not load is refused before anything
    /// is written (a dry run may use any path); the host's own path is fine.
    @Test func aPluginPathTheHostWouldNotLoadIsRefused() async throws {
        try await ScratchDatabase.with { database, client in
            let elsewhere = try PluginTestSupport.scratchDirectory("elsewhere")
            try? FileManager.default.removeItem(atPath: elsewhere + "/libSMACrossover.so")
            try FileManager.default.copyItem(atPath: PluginTestSupport.binDirectory + "/libSMACrossover.so", toPath: elsewhere + "/libSMACrossover.so")
            let manifest = PluginTestSupport.packageRoot.appendingPathComponent("strategies/sma_crossover.yaml").path
            let environment = ["DATABASE_URL": database.target.url()]
            let refused = try await HostEndToEndTests.run(["deploy", manifest, "--plugin-path", elsewhere], environment: environment)
            #expect(refused.status != 0 && refused.output.contains("--plugin-path") && refused.output.contains("not the library the host would load"),
                    "\(refused.output)")
            #expect(try await SQLTestQueries.strings(client, "SELECT to_regclass('strategies')::text") == ["strategies"])
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM strategies") == 0)
            #expect(try await HostEndToEndTests.run(["deploy", "--dry-run", manifest, "--plugin-path", elsewhere], environment: environment).status == 0)
            let same = try await HostEndToEndTests.run(["deploy", manifest, "--plugin-path", PluginTestSupport.binDirectory], environment: environment)
            #expect(same.status == 0, "\(same.output)")
        }
    }

    /// `runtime strategies --files` names an oversized manifest's reason instead of reading it.
    @Test func anOversizedManifestFileIsListedWithItsReason() async throws {
        let directory = try PluginTestSupport.scratchDirectory("oversized-manifests")
        try Data(repeating: UInt8(ascii: "#"), count: SafeYAML.maximumBytes + 1).write(to: URL(fileURLWithPath: directory + "/big.yaml"))
        let run = try await HostEndToEndTests.run(["strategies", "--files", "--directory", directory, "--json"], environment: [:])
        #expect(run.standardOutput.contains("1 MiB") && run.standardOutput.contains("big.yaml"), "\(run.output)")
    }
}
