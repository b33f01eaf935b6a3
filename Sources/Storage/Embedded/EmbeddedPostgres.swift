import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster under a folder of its own, reachable only through a Unix socket
/// in that folder (`listen_addresses = ''`: no TCP port is opened).
///
/// Layout under `home` (the runtime home, `$RUNTIME_HOME`, default `./.runtime`):
/// `postgres/data` (the cluster), `postgres/run` (the socket), `postgres/server.log`.
///
/// Run as root, the server runs as the `postgres` system user (PostgreSQL refuses to run as
/// root); the cluster folders are handed to that user and the folders above them must be
/// traversable by it. Run as an ordinary user, everything runs as that user.
///
/// Authentication is `trust` on the socket only; the socket's folder is mode 0700, so only the
/// cluster's owner (and root) can reach it. All methods block while the tools run; call them at
/// startup, not on a hot path.
public final class EmbeddedPostgres: Sendable {
    /// The superuser the cluster is created with, whatever the OS user is.
    public static let superuser = "runtime"
    /// The database created for the runtime in a new cluster.
    public static let defaultDatabase = "runtime"

    /// Where the cluster lives and how it runs.
    public let home: String
    /// The PostgreSQL installation whose tools create and run the cluster.
    public let installation: PostgresInstallation
    /// Extra `postgresql.conf` settings, e.g. `["fsync": "off"]` for throwaway test clusters.
    public let extraSettings: [String: String]
    /// The port number used in the socket file's name (`.s.PGSQL.<port>`); no TCP port is bound.
    public let port: Int
    private let logger: Logger

    /// The cluster's data directory.
    public var dataDirectory: String { home + "/postgres/data" }
    /// The folder holding the server's Unix socket.
    public var socketDirectory: String { home + "/postgres/run" }
    /// The server's log file.
    public var logFile: String { home + "/postgres/server.log" }

    /// The system user the server runs as when this process is root; nil when not root.
    public var serverUser: String? { geteuid() == 0 ? "postgres" : nil }

    /// A cluster rooted at `home` (made absolute).
    public init(home: String, installation: PostgresInstallation, extraSettings: [String: String] = [:], port: Int = 5432,
                logger: Logger = Logger(label: "storage.embedded-postgres")) {
        self.home = URL(fileURLWithPath: home).standardizedFileURL.path
        self.installation = installation
        self.extraSettings = extraSettings
        self.port = port
        self.logger = logger
    }

    /// The cluster under `$RUNTIME_HOME` (default `.runtime` in the working directory).
    /// - Throws: `StorageError.postgresNotInstalled` when no server binaries are found.
    public static func forRuntimeHome(environment: [String: String] = ProcessInfo.processInfo.environment,
                                      logger: Logger = Logger(label: "storage.embedded-postgres")) throws(StorageError) -> EmbeddedPostgres {
        let home = environment["RUNTIME_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".runtime"
        return EmbeddedPostgres(home: home, installation: try PostgresInstallation.locate(environment: environment), logger: logger)
    }

    /// What state the cluster is in.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        /// No cluster has been created under the home folder yet.
        case notInitialized
        /// The cluster exists but no server is running on it.
        case stopped
        /// A server is running on the cluster with this process id.
        case running(pid: Int32)

        public var description: String {
            switch self {
            case .notInitialized: "not initialized"
            case .stopped: "stopped"
            case .running(let pid): "running (pid \(pid))"
            }
        }
    }

    /// Whether the cluster exists and whether its server is running.
    public func status() throws(StorageError) -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notInitialized }
        let outcome = try ProcessRunner.run(installation.tool("pg_ctl"), ["status", "-D", dataDirectory], as: serverUser)
        if outcome.exitCode == 0 {
            let pid = outcome.output.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int32($0) } ?? 0
            return .running(pid: pid)
        }
        return .stopped
    }

    /// Creates the cluster when missing, starts its server when not running, makes sure the
    /// runtime database exists, and returns where to connect. Idempotent: a running cluster is
    /// reused as is.
    @discardableResult
    public func start() throws(StorageError) -> DatabaseTarget {
        try checkSocketPathLength()
        try refuseSymbolicLinks()
        if try status() == .notInitialized { try initialize() }
        try protectLogFile()
        try writeSettings()
        if case .running = try status() {
            logger.debug("embedded PostgreSQL already running", metadata: ["home": "\(home)"])
        } else {
            let outcome = try ProcessRunner.run(installation.tool("pg_ctl"),
                                                ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-s"], as: serverUser)
            if !outcome.succeeded {
                // Another process may have started it at the same moment; that is fine.
                guard case .running = try status() else {
                    throw .embeddedCluster(reason: "pg_ctl start failed (exit \(outcome.exitCode)): \(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))\nserver log tail:\n\(logTail())")
                }
            }
            logger.info("embedded PostgreSQL started", metadata: ["socket": "\(socketDirectory)"])
        }
        try ensureDefaultDatabase()
        return target()
    }

    /// Stops the server (fast shutdown: open sessions are ended, committed data is kept).
    /// Does nothing when it is not running.
    public func stop() throws(StorageError) {
        guard case .running = try status() else { return }
        let outcome = try ProcessRunner.run(installation.tool("pg_ctl"), ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-s"], as: serverUser)
        if !outcome.succeeded, case .running = try status() {
            throw .embeddedCluster(reason: "pg_ctl stop failed (exit \(outcome.exitCode)): \(outcome.output)")
        }
    }

    /// Where to connect to `database` on this cluster (the server need not be running yet).
    public func target(database: String = EmbeddedPostgres.defaultDatabase) -> DatabaseTarget {
        DatabaseTarget(endpoint: .unixSocket(directory: socketDirectory, port: port), username: Self.superuser,
                       password: nil, database: database, tls: .disable)
    }

    /// Whether TimescaleDB is preloaded by this cluster (its files are installed).
    public var preloadsTimescaleDB: Bool { installation.hasTimescaleDB }

    // MARK: - Creation

    private func initialize() throws(StorageError) {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: home + "/postgres", withIntermediateDirectories: true)
            try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        } catch {
            throw .embeddedCluster(reason: "cannot create \(home)/postgres: \(error)")
        }
        try refuseSymbolicLinks()
        chmod(dataDirectory, 0o700)
        chmod(socketDirectory, 0o700)
        try protectLogFile()
        if let user = serverUser {
            try handOver(to: user)
        }
        let outcome = try ProcessRunner.run(installation.tool("initdb"),
                                            ["-D", dataDirectory, "-U", Self.superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-instructions"],
                                            as: serverUser)
        guard outcome.succeeded else {
            throw .embeddedCluster(reason: "initdb failed (exit \(outcome.exitCode)): \(outcome.output)")
        }
        // Settings live in a file of their own that is rewritten on every start (the folder may
        // have moved); postgresql.conf only includes it.
        let include = "\ninclude_if_exists = 'runtime.conf'\n"
        guard let handle = FileHandle(forWritingAtPath: dataDirectory + "/postgresql.conf") else {
            throw .embeddedCluster(reason: "cannot open \(dataDirectory)/postgresql.conf")
        }
        handle.seekToEndOfFile()
        handle.write(Data(include.utf8))
        try? handle.close()
        logger.info("embedded PostgreSQL cluster created", metadata: ["data": "\(dataDirectory)"])
    }

    private func writeSettings() throws(StorageError) {
        var settings: [(String, String)] = [
            ("listen_addresses", "''"),
            ("unix_socket_directories", quoted(socketDirectory)),
            ("unix_socket_permissions", "0700"),
            ("port", "\(port)"),
        ]
        if installation.hasTimescaleDB {
            settings.append(("shared_preload_libraries", "'timescaledb'"))
            settings.append(("timescaledb.telemetry_level", "off"))
        }
        for (key, value) in extraSettings.sorted(by: { $0.key < $1.key }) { settings.append((key, value)) }
        let text = "# Written by the runtime on every start; edits are overwritten.\n"
            + settings.map { "\($0.0) = \($0.1)" }.joined(separator: "\n") + "\n"
        let path = dataDirectory + "/runtime.conf"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw .embeddedCluster(reason: "cannot write \(path)")
        }
        if let user = serverUser { try chownPath(path, to: user) }
    }

    private func ensureDefaultDatabase() throws(StorageError) {
        // Cheap enough to run on every start, and right even when the cluster was re-created.
        let outcome = try ProcessRunner.run(installation.tool("createdb"),
                                            ["-h", socketDirectory, "-p", "\(port)", "-U", Self.superuser, Self.defaultDatabase])
        if !outcome.succeeded && !outcome.output.contains("already exists") {
            throw .embeddedCluster(reason: "createdb \(Self.defaultDatabase) failed: \(outcome.output)")
        }
    }

    // MARK: - Root support

    private func handOver(to user: String) throws(StorageError) {
        // The server user must be able to walk down to its folders.
        var ancestor = URL(fileURLWithPath: home + "/postgres").deletingLastPathComponent()
        while ancestor.path != "/" {
            var info = stat()
            if stat(ancestor.path, &info) == 0, info.st_mode & 0o001 == 0 {
                throw .embeddedCluster(reason: "the server runs as the '\(user)' user, which cannot enter \(ancestor.path) (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod o+x \(ancestor.path)` or set RUNTIME_HOME to a folder it can reach")
            }
            ancestor.deleteLastPathComponent()
        }
        for path in [home + "/postgres", dataDirectory, socketDirectory, logFile] { try chownPath(path, to: user) }
    }

    private func chownPath(_ path: String, to user: String) throws(StorageError) {
        guard let entry = getpwnam(user) else {
            throw .embeddedCluster(reason: "running as root, the server must run as the '\(user)' system user, which does not exist; install the postgresql package (it creates it) or run `useradd --system \(user)`")
        }
        // lchown: a link swapped in after the check is changed itself, never what it points to.
        if lchown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) != 0 {
            throw .embeddedCluster(reason: "cannot hand \(path) to the '\(user)' user: \(String(cString: strerror(errno)))")
        }
    }

    /// The cluster's folders and log are created, chmod'ed and (as root) chown'ed to the server
    /// user; through a symbolic link that would happen to whatever it points at (as root: any
    /// file on the machine), so a link in their place is refused.
    private func refuseSymbolicLinks() throws(StorageError) {
        for path in [home + "/postgres", dataDirectory, socketDirectory, logFile] {
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw .embeddedCluster(reason: "\(path) is a symbolic link; the embedded cluster's folders and log must be real ones (remove the link, or set RUNTIME_HOME to another folder)")
            }
        }
    }

    /// server.log holds the server's messages, statements among them: readable by its owner only.
    private func protectLogFile() throws(StorageError) {
        let fd = open(logFile, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .embeddedCluster(reason: "cannot create \(logFile): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            throw .embeddedCluster(reason: "cannot make \(logFile) private (mode 0600): \(String(cString: strerror(errno)))")
        }
    }

    private func checkSocketPathLength() throws(StorageError) {
        let socketPath = socketDirectory + "/.s.PGSQL.\(port)"
        if socketPath.utf8.count > 107 {
            throw .embeddedCluster(reason: "the socket path \(socketPath) is longer than the 107 bytes Unix sockets allow; set RUNTIME_HOME to a shorter path")
        }
    }

    private func quoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}
