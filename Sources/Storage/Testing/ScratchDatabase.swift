import Foundation
import Logging
import PostgresNIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway, migrated PostgreSQL database for tests, on a real server.
///
/// One embedded cluster per test process is started lazily in a temporary folder (fsync off:
/// it is thrown away), a template database is migrated once (`migrations/`, plain PostgreSQL
/// flavor unless TimescaleDB is installed), and every caller gets its own fresh database
/// copied from that template (`CREATE DATABASE ... TEMPLATE`, tens of milliseconds). Safe to
/// use from tests running in parallel. At process exit the cluster is stopped and its folder
/// removed; clusters left behind by killed test processes are cleaned up by the next one.
/// Works as root (the server runs as the `postgres` user) and as an ordinary user.
///
/// Typical use in a Swift Testing test:
/// ```swift
/// @Test func storesATrade() async throws {
///     try await ScratchDatabase.with { database, client in
///         try await client.query("SELECT 1")            // a running, pooled PostgresClient
///         let repository = TradeRepository(client: client)
///         ...
///     }   // the database is dropped here, also when the body throws
/// }
/// ```
/// Or manage the lifetime yourself: `let db = try await ScratchDatabase.create()`, connect
/// with `db.target.withClient { ... }` / `db.target.connect()`, then `try await db.drop()`.
public struct ScratchDatabase: Sendable {
    /// The database's name (unique within the process's cluster).
    public let name: String
    /// Where to connect: the cluster's Unix socket, this database, as its superuser.
    public let target: DatabaseTarget
    /// The flavor the template was migrated with (nil when created unmigrated).
    public let flavor: SchemaFlavor?

    /// Creates a fresh database: migrated to the latest schema (default) or empty. Migrated, it
    /// has `flavor`, or by default the flavor the server supports best (TimescaleDB when
    /// installed).
    /// - Throws: when `flavor` is `.timescaledb` and TimescaleDB is not installed.
    public static func create(migrated: Bool = true, flavor: SchemaFlavor? = nil) async throws -> ScratchDatabase {
        try await ScratchCluster.shared.createDatabase(migrated: migrated, flavor: flavor)
    }

    /// The flavors a scratch database can have here: plain PostgreSQL always, TimescaleDB too
    /// when it is installed. A test that must hold for both runs once per flavor listed.
    public static func flavors() async throws -> [SchemaFlavor] {
        try await ScratchCluster.shared.flavors()
    }

    /// Creates a database, runs `body` with it and a running pooled client, and drops it
    /// afterwards (also when `body` throws).
    public static func with<Result: Sendable>(migrated: Bool = true, flavor: SchemaFlavor? = nil,
                                              _ body: @Sendable (ScratchDatabase, PostgresClient) async throws -> Result) async throws -> Result {
        let database = try await create(migrated: migrated, flavor: flavor)
        do {
            let result = try await database.target.withClient { client in try await body(database, client) }
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// Drops the database (ending any sessions still connected to it).
    public func drop() async throws {
        try await ScratchCluster.shared.dropDatabase(name)
    }

    /// The shared test cluster, started on first use (for tests that need the cluster itself,
    /// e.g. to open a second connection or read its settings). Never stop it: others use it.
    public static func sharedCluster() async throws -> EmbeddedPostgres {
        try await ScratchCluster.shared.cluster()
    }

    /// A private cluster in its own temporary folder, for tests that must stop or restart a
    /// server or need `settings` of their own (never do that to the shared one). Remove it with
    /// `removeTemporaryCluster(_:)`; it is also removed at process exit.
    public static func makeTemporaryCluster(settings: [String: String] = [:]) throws -> EmbeddedPostgres {
        let cluster = EmbeddedPostgres(home: try ScratchCluster.makeTemporaryHome(), installation: try PostgresInstallation.locate(),
                                       extraSettings: ScratchCluster.throwawaySettings.merging(settings) { $1 })
        ScratchCluster.registerForExitCleanup(cluster)
        return cluster
    }

    /// Stops a cluster made by `makeTemporaryCluster()` and deletes its folder.
    public static func removeTemporaryCluster(_ cluster: EmbeddedPostgres) {
        ScratchCluster.destroy(home: cluster.home, installation: cluster.installation)
        ScratchCluster.unregister(home: cluster.home)
    }
}

/// The process-wide state behind `ScratchDatabase`.
actor ScratchCluster {
    static let shared = ScratchCluster()
    /// Settings of every scratch cluster: durability off (thrown away), room for parallel tests,
    /// and TimescaleDB's job scheduler off. Its background workers would otherwise connect to
    /// every database, the template included (which `CREATE DATABASE ... TEMPLATE` refuses to copy
    /// while anyone is connected), and run retention and compression policies in the middle of
    /// tests. A test of the policies runs their jobs itself (`CALL run_job(id)`).
    static let throwawaySettings = ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                                    "max_connections": "300", "log_min_messages": "warning",
                                    "timescaledb.max_background_workers": "0"]
    private static let templateName = "scratch_template"
    /// A plain-flavor template beside a TimescaleDB one, made on first use.
    private static let plainTemplateName = "scratch_template_postgres"
    private static let logger = Logger(label: "storage.scratch")

    private struct Ready { var cluster: EmbeddedPostgres; var flavor: SchemaFlavor }
    private var startup: Task<Ready, any Error>?
    private var plainTemplate: Task<Void, any Error>?
    private var counter = 0

    func cluster() async throws -> EmbeddedPostgres { try await ready().cluster }

    private func ready() async throws -> Ready {
        if let startup { return try await startup.value }
        let task = Task<Ready, any Error> {
            Self.removeAbandonedClusters()
            let cluster = EmbeddedPostgres(home: try Self.makeTemporaryHome(), installation: try PostgresInstallation.locate(),
                                           extraSettings: Self.throwawaySettings, logger: Self.logger)
            Self.registerForExitCleanup(cluster)
            let target = try await cluster.start()
            let flavor = try await Self.makeTemplate(Self.templateName, flavor: .automatic, on: target)
            return Ready(cluster: cluster, flavor: flavor)
        }
        startup = task
        return try await task.value
    }

    /// Creates a template database migrated with `flavor`, then closes it: nobody can connect to
    /// it from now on (a copy needs it unused), and whoever still is (the migrator's pool
    /// closing) is shown out.
    private static func makeTemplate(_ name: String, flavor: Migrator.FlavorChoice, on target: DatabaseTarget) async throws -> SchemaFlavor {
        try await maintenance(target) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let report = try await Migrator(logger: logger).migrate(target: target.with(database: name), flavor: flavor)
        try await maintenance(target) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS false"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity WHERE datname = '\(name)'
                """), logger: logger)
        }
        return report.flavor
    }

    func flavors() async throws -> [SchemaFlavor] {
        try await ready().flavor == .timescaledb ? [.postgres, .timescaledb] : [.postgres]
    }

    /// The template for `flavor` (nil: the default one).
    private func template(for flavor: SchemaFlavor?) async throws -> String {
        let ready = try await ready()
        switch flavor {
        case nil: return Self.templateName
        case .some(let wanted) where wanted == ready.flavor: return Self.templateName
        case .timescaledb:
            throw StorageError.migrationSource(reason: "a TimescaleDB scratch database was asked for, but TimescaleDB is not installed for this server (scripts/setup.sh builds it)")
        case .postgres:
            if plainTemplate == nil {
                let target = ready.cluster.target()
                plainTemplate = Task { _ = try await Self.makeTemplate(Self.plainTemplateName, flavor: .required(.postgres), on: target) }
            }
            try await plainTemplate?.value
            return Self.plainTemplateName
        }
    }

    func createDatabase(migrated: Bool, flavor: SchemaFlavor?) async throws -> ScratchDatabase {
        let ready = try await ready()
        let template = migrated ? try await template(for: flavor) : "template0"
        counter += 1
        let name = "scratch_\(getpid())_\(counter)"
        try await Self.maintenance(ready.cluster.target()) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: Self.logger)
        }
        return ScratchDatabase(name: name, target: ready.cluster.target(database: name), flavor: migrated ? flavor ?? ready.flavor : nil)
    }

    func dropDatabase(_ name: String) async throws {
        let ready = try await ready()
        try await Self.maintenance(ready.cluster.target()) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: Self.logger)
        }
    }

    private static func maintenance(_ target: DatabaseTarget, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await target.with(database: "postgres").connect(logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw StorageError.database(operation: "scratch database maintenance", message: postgresErrorText(error))
        }
    }

    // MARK: - Folders and exit cleanup

    private static let prefix = "ea-okx-scratch-"
    private static let registered = Mutex<[String: PostgresInstallation]>([:])

    static func makeTemporaryHome() throws(StorageError) -> String {
        let base = "/tmp"
        var template = Array("\(base)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let pointer = buffer.baseAddress else { return false }
            return mkdtemp(pointer) != nil
        }
        guard made else { throw .embeddedCluster(reason: "cannot create a temporary folder under \(base): \(String(cString: strerror(errno)))") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The server may run as another user (root runs it as postgres): let it in.
        chmod(path, 0o755)
        FileManager.default.createFile(atPath: path + "/owner.pid", contents: Data("\(getpid())".utf8))
        return path
    }

    static func registerForExitCleanup(_ cluster: EmbeddedPostgres) {
        registered.withLock { $0[cluster.home] = cluster.installation }
        let install = exitHandlerInstalled.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if install { atexit { ScratchCluster.destroyAllRegistered() } }
    }

    private static let exitHandlerInstalled = Mutex(false)

    static func unregister(home: String) { _ = registered.withLock { $0.removeValue(forKey: home) } }

    static func destroyAllRegistered() {
        let clusters = registered.withLock { clusters in defer { clusters.removeAll() }; return clusters }
        for (home, installation) in clusters { destroy(home: home, installation: installation) }
    }

    static func destroy(home: String, installation: PostgresInstallation) {
        let data = home + "/postgres/data"
        if FileManager.default.fileExists(atPath: data + "/postmaster.pid") {
            _ = try? ProcessRunner.run(installation.tool("pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30", "-s"],
                                       as: geteuid() == 0 ? "postgres" : nil)
        }
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Clusters of test processes that died without running their exit handler.
    static func removeAbandonedClusters() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp"),
              let installation = try? PostgresInstallation.locate() else { return }
        for name in names where name.hasPrefix(prefix) {
            let home = "/tmp/" + name
            guard let text = try? String(contentsOfFile: home + "/owner.pid", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                destroy(home: home, installation: installation)
            }
        }
    }
}
