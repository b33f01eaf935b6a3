import ArgumentParser
import Foundation
import Logging
import RuntimeHost
import Storage
import TradingCore

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster (start, stop, status, url) and maintain the database.",
        discussion: """
            The embedded cluster lives under $RUNTIME_HOME (default .runtime/) and listens only on a Unix \
            socket there. With DATABASE_URL set, that server is used instead and nothing is started or stopped.
            """,
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, Maintain.self],
        defaultSubcommand: Status.self
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (when missing) and start the embedded cluster.")
        func run() async throws {
            if let url = externalURL() {
                print("DATABASE_URL is set: using \(try DatabaseTarget(url: url).description); nothing to start")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            let target = try await cluster.start()
            print("embedded PostgreSQL \(try await cluster.status()) at \(cluster.socketDirectory)")
            print(target.url())
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster (data is kept).")
        func run() async throws {
            if externalURL() != nil {
                print("DATABASE_URL is set: the runtime does not manage that server; nothing to stop")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            try await cluster.stop()
            print("embedded PostgreSQL \(try await cluster.status())")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the database is set up and running.")
        func run() async throws {
            if let url = externalURL() {
                print("external server (DATABASE_URL): \(try DatabaseTarget(url: url).description)")
                return
            }
            let cluster = try EmbeddedPostgres.forRuntimeHome()
            print("embedded PostgreSQL \(try await cluster.status())")
            print("  data:   \(cluster.dataDirectory)")
            print("  socket: \(cluster.socketDirectory)")
            print("  log:    \(cluster.logFile)")
            print("  server: \(cluster.installation.binDirectory)\(cluster.preloadsTimescaleDB ? " (TimescaleDB preloaded)" : "")")
        }
    }

    struct URLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url", abstract: "Print a connection URL that psql accepts (its password hidden).",
            discussion: "A password in DATABASE_URL is printed as ***: give it to psql through PGPASSWORD or ~/.pgpass.")
        func run() async throws {
            if let url = externalURL() {
                print(DatabaseTarget.redacted(url))
                return
            }
            print(try EmbeddedPostgres.forRuntimeHome().target().url())
        }
    }
}

extension DatabaseCommand {
    struct Maintain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run storage maintenance once: partitions, retention, compression and rollups.",
            discussion: """
                What a running host does every database.maintenance_interval_seconds (runtime.yaml), for when no \
                host runs: plain PostgreSQL premakes partitions, moves rows out of DEFAULT, drops expired partitions \
                and refreshes the rollups; TimescaleDB runs its retention and compression jobs now. After loading \
                old data (a backfill), give --refresh-from/--refresh-to so TimescaleDB's continuous aggregates \
                cover it too (their policies only look back a few days).
                """
        )

        @Option(name: .long, help: "Also roll up late data from this time (ISO 8601 or epoch ms).")
        var refreshFrom: String?

        @Option(name: .long, help: "End (exclusive) of the late data to roll up; default now.")
        var refreshTo: String?

        func run() async throws {
            let logger = Logger(label: "runtime.maintenance")
            let range: (from: Timestamp, to: Timestamp)?
            do {
                let parsed = try ViewOptions.range(from: refreshFrom, to: refreshTo, defaultFrom: nil, defaultTo: ViewOptions.now())
                if refreshTo != nil && refreshFrom == nil {
                    throw ValidationError("--refresh-to needs --refresh-from")
                }
                range = parsed.from.flatMap { from in parsed.to.map { (from, $0) } }
            } catch let error as ViewOptionError {
                throw ValidationError(error.description.replacingOccurrences(of: "--from", with: "--refresh-from")
                    .replacingOccurrences(of: "--to", with: "--refresh-to"))
            }
            let (report, rolledUp) = try await DatabaseEnvironment.withDatabase(as: .administerDatabase, action: "database.maintain",
                                                                                logger: logger) { _, client in
                guard let report = try await MaintenanceJob(client: client, logger: logger).runOnce() else {
                    throw ValidationError("another host is maintaining the database right now; nothing was done (try again in a minute)")
                }
                var rolledUp = false
                if let range { rolledUp = try await StorageMaintenance(client).refreshAggregates(from: range.from, to: range.to) }
                return (report, rolledUp)
            }
            print("maintained the \(report.flavor.rawValue) schema")
            for action in report.partitionActions {
                print("  partition \(action.partition) (\(action.table)): \(action.action)\(action.rows.map { ", \($0) rows" } ?? "")")
            }
            for job in report.jobsRun { print("  TimescaleDB job \(job) run") }
            for job in report.jobsLeftToScheduler { print("  TimescaleDB job \(job) left to the scheduler (owned by another role)") }
            for (rollup, buckets) in report.rollupsRefreshed.sorted(by: { $0.key < $1.key }) {
                print("  \(rollup): \(buckets) buckets refreshed")
            }
            if report.queuedRefreshes > 0 { print("  \(report.queuedRefreshes) queued late-data ranges rolled up") }
            if let range {
                print(rolledUp ? "  late data rolled up from \(range.from) to \(range.to)"
                               : "  late data from \(range.from) to \(range.to) queued for the schema owner's next `runtime db maintain`")
            }
        }
    }
}

/// DATABASE_URL when set and not empty.
func externalURL() -> String? {
    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { return nil }
    return url
}
