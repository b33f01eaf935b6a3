import ArgumentParser
import Foundation
import Logging
import MarketData
import RuntimeHost
import Storage
import StrategyKit
import TradingCore

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
        let resolution = try DatabaseLocator.resolve(configuredURL: settings.url)
        let migrator = Migrator(source: migrations.map { MigrationSource(directory: $0) } ?? .standard())
        let status = status
        let flavorChoice = choice
        let report = try await OperatorCLI.runReturning {
            try await resolution.target.withClient { client in
                let identity = try await OperatorLogin.resolve(embedded: resolution.embedded != nil, client: client,
                                                                  logger: Logger(label: "runtime.migrate"))
                let access = OperatorAccess(client: client)
                let action = status ? "database.migration_status" : "database.migrate"
                // An admin migrates; on a database without users anyone does, and becomes its first admin.
                guard try await UserRepository(client).mayApplyMigrations(username: identity) else {
                    _ = try await access.authorize(identity, for: status ? .read : .administerDatabase, action: action, resourceType: "database", resourceId: nil)
                    return try await migrator.status(target: resolution.target)
                }
                let report = status ? try await migrator.status(target: resolution.target)
                                    : try await migrator.migrate(target: resolution.target, flavor: flavorChoice)
                if !status {
                    let admin = try await access.authorize(identity, for: .administerDatabase, action: action, resourceType: "database", resourceId: nil)
                    if !report.newlyApplied.isEmpty {
                        try await access.audit(AuditLogRecord(
                            userId: admin.id, action: action, resourceType: "database", resourceId: report.flavor.rawValue,
                            newValue: ParameterValue.object(["applied": .array(report.newlyApplied.map { .number(String($0)) })]).jsonText,
                            createdAt: WallClock.now()))
                    }
                }
                return report
            }
        }
        print("database: \(resolution.target.description)")
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
