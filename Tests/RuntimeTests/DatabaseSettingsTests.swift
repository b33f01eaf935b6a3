import Foundation
import RuntimeHost
import Storage
import TestSupport
import Testing

/// The `database:` section of config/runtime.yaml is read, not only documented: its flavor chooses
/// a first migration's schema, its writer settings reach the writers, and a bad value or a
/// misspelt key is refused naming the field.
@Suite(.watchdog) struct DatabaseSettingsTests {
    private func configDirectory(_ yaml: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try yaml.write(to: directory.appendingPathComponent("runtime.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func theShippedFileIsReadAsWritten() throws {
        let settings = try DatabaseSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path)
        #expect(settings.url == nil)
        #expect(settings.flavor == .automatic)
        #expect(settings.maintenanceInterval == .seconds(60))
        #expect(settings.marketDataWriter.capacity == 200_000 && settings.marketDataWriter.batchSize == 20_000)
        #expect(settings.tradingRecordQueueCapacity == 50_000)
    }

    @Test(arguments: [
        ("database:\n  flavor: mysql\n", "database.flavor", "must be auto, postgres or timescaledb"),
        ("database:\n  maintenance_interval_seconds: -5\n", "database.maintenance_interval_seconds", "must be 0 (off)"),
        ("database:\n  maintenace_interval_seconds: 5\n", "database", "unknown key 'maintenace_interval_seconds'"),
        ("database:\n  market_data_writer:\n    batch_size: 0\n", "database.market_data_writer.batch_size", "greater than zero"),
        ("database:\n  trading_record_writer:\n    batch_size: 10\n", "database.trading_record_writer", "unknown key 'batch_size'"),
    ])
    func aBadValueIsRefusedNamingTheField(yaml: String, field: String, reason: String) throws {
        let directory = try configDirectory(yaml)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: ConfigurationError.self) {
            try DatabaseSettings.load(path: directory.appendingPathComponent("runtime.yaml").path)
        }
        #expect("\(error)".contains(field) && "\(error)".contains(reason), "\(error)")
    }

    /// `runtime migrate` without --flavor takes database.flavor; --flavor still wins.
    @Test func migrateTakesTheConfiguredFlavor() async throws {
        let directory = try configDirectory("database:\n  flavor: postgres\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ScratchDatabase.with(migrated: false) { database, _ in
            let environment = ["DATABASE_URL": database.target.url(), "RUNTIME_CONFIG_DIR": directory.path]
            let status = try await HostEndToEndTests.run(["migrate", "--status"], environment: environment)
            #expect(status.status == 0, "\(status.output)")
            let migrate = try await HostEndToEndTests.run(["migrate"], environment: environment)
            #expect(migrate.status == 0, "\(migrate.output)")
            #expect(migrate.standardOutput.contains("flavor:   postgres"), "\(migrate.standardOutput)")
        }
        let bad = try configDirectory("database:\n  flavor: mysql\n")
        defer { try? FileManager.default.removeItem(at: bad) }
        let refused = try await HostEndToEndTests.run(["migrate"], environment: ["DATABASE_URL": "postgresql://nowhere.invalid/x", "RUNTIME_CONFIG_DIR": bad.path])
        #expect(refused.status != 0)
        #expect(refused.output.contains("database.flavor"), "\(refused.output)")
    }
}
