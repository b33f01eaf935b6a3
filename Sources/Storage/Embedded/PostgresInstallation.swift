import Foundation

/// Where the system's PostgreSQL server binaries live.
public struct PostgresInstallation: Sendable, Equatable {
    /// The folder holding initdb, pg_ctl and postgres.
    public var binDirectory: String
    /// The server's major version, when it could be read from the path or `pg_ctl --version`.
    public var majorVersion: Int?

    /// The path of a tool in the installation, e.g. `tool("pg_ctl")`.
    public func tool(_ name: String) -> String { binDirectory + "/" + name }

    /// The folder holding the server's loadable modules (`$libdir`), where extensions such as
    /// timescaledb install their shared objects.
    public var libraryDirectory: String {
        URL(fileURLWithPath: binDirectory).deletingLastPathComponent().appendingPathComponent("lib").path
    }

    /// Whether TimescaleDB's server module is installed for this server version, so that the
    /// cluster can preload it and the migrator can choose the TimescaleDB flavor.
    public var hasTimescaleDB: Bool {
        FileManager.default.fileExists(atPath: libraryDirectory + "/timescaledb.so")
    }

    /// Finds the server binaries: the highest version under /usr/lib/postgresql/*/bin first
    /// (Debian's layout, where PATH usually only has client wrappers), then PATH.
    /// - Throws: `StorageError.postgresNotInstalled` naming what was searched and what to install.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(StorageError) -> PostgresInstallation {
        let fileManager = FileManager.default
        var searched: [String] = []
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { name -> (Int, String)? in Int(name).map { ($0, name) } }
            .sorted { $0.0 > $1.0 }
        searched.append(debianRoot + "/*/bin")
        for (version, name) in versions {
            let bin = "\(debianRoot)/\(name)/bin"
            if isComplete(bin) { return PostgresInstallation(binDirectory: bin, majorVersion: version) }
        }
        let pathDirectories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        searched.append("PATH")
        for directory in pathDirectories where isComplete(directory) {
            // Resolve symlinks so that the sibling tools and lib folder are the real installation's.
            let resolved = URL(fileURLWithPath: directory + "/initdb").resolvingSymlinksInPath().deletingLastPathComponent().path
            let bin = isComplete(resolved) ? resolved : directory
            return PostgresInstallation(binDirectory: bin, majorVersion: nil)
        }
        throw .postgresNotInstalled(searched: searched)
    }

    private static func isComplete(_ directory: String) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
    }
}
