import ArgumentParser
import Foundation
import RuntimeHost
import Storage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (--status lists applied and pending ones).",
        discussion: """
            Uses DATABASE_URL when set, else the embedded cluster (started when needed). Migrations come from \
            --migrations DIR, else $RUNTIME_MIGRATIONS, else the runtime's own (the source tree it was built from); \
            never from the working directory.
            """
    )

    @Flag(name: .long, help: "List applied and pending migrations without applying anything.")
    var status = false

    @Option(name: .long, help: "Flavor for a database migrated for the first time: auto, postgres or timescaledb (default: database.flavor in config/runtime.yaml, else auto).")
    var flavor: String?

    @Option(name: .long, help: "The migrations folder to apply (default: $RUNTIME_MIGRATIONS, else the runtime's own).")
    var migrations: String?

    func run() async throws {
        let settings = try DatabaseSettings.load()
        var choice = settings.flavor
        switch flavor {
        case nil: break
        case "auto": choice = .automatic
        case let name?:
            guard let named = SchemaFlavor(rawValue: name) else {
                throw ValidationError("--flavor must be auto, postgres or timescaledb, not '\(name)'")
            }
            choice = .required(named)
        }
        let migrator = Migrator(source: migrations.map { MigrationSource(directory: $0) } ?? .standard())
        let (target, report) = try await OperatorCLI.runReturning {
            try await SchemaAdministration.migrate(migrator, flavor: choice, statusOnly: status, configuredURL: settings.url)
        }
        print("database: \(target.description)")
        print("flavor:   \(report.flavor.rawValue) (\(report.flavorReason))")
        for entry in report.applied {
            let marker = entry.checksumMatches ? "applied" : (entry.fileName == nil ? "applied, file missing" : "applied, FILE CHANGED")
            print("  \(String(format: "%03d", entry.version)) \(entry.name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(marker) \(entry.appliedAt ?? "")")
        }
        for entry in report.pending {
            print("  \(String(format: "%03d", entry.version)) \(entry.name.padding(toLength: 32, withPad: " ", startingAt: 0)) pending")
        }
        if !status {
            print(report.newlyApplied.isEmpty ? "up to date" : "applied \(report.newlyApplied.count) migration(s)")
        }
    }
}
