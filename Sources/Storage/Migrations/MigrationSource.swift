import Crypto
import Foundation

/// Which schema design a database uses, chosen when it is first migrated and recorded in
/// schema_migrations.
public enum SchemaFlavor: String, Sendable, Hashable, CaseIterable {
    /// TimescaleDB: hypertables, compression and retention policies, continuous aggregates.
    case timescaledb
    /// Plain PostgreSQL: native range partitions managed by the runtime, rollup tables kept
    /// current by an incremental refresh.
    case postgres
}

/// One migration file: `NNN_name.sql` (every flavor) or `NNN_name.<flavor>.sql`.
public struct MigrationFile: Sendable, Hashable {
    public var version: Int
    public var name: String
    /// nil when the file applies to every flavor.
    public var flavor: SchemaFlavor?
    public var fileName: String
    public var sql: String

    /// SHA-256 of the file's bytes, hex.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// The migrations folder.
public struct MigrationSource: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The installed runtime's migrations: `$RUNTIME_MIGRATIONS` when set, else the folder in the
    /// source tree this module was built from. Never the working directory's `./migrations`: a
    /// command run in someone else's folder must not run the SQL it finds there.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> MigrationSource {
        if let path = environment["RUNTIME_MIGRATIONS"], !path.isEmpty { return MigrationSource(directory: path) }
        return MigrationSource(directory: sourceTreeDirectory)
    }

    /// `<repository>/migrations`, located from this file's path at build time.
    public static var sourceTreeDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations").path
    }

    /// Every migration file, checked for well-formed names and for one file per version and flavor.
    public func load() throws(StorageError) -> [MigrationFile] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .migrationSource(reason: "cannot read the migrations folder \(directory): \(error.localizedDescription); set RUNTIME_MIGRATIONS or pass `runtime migrate --migrations DIR`")
        }
        var files: [MigrationFile] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let stem = String(fileName.dropLast(4))
            let parts = stem.split(separator: ".", omittingEmptySubsequences: false)
            guard let head = parts.first, let underscore = head.firstIndex(of: "_"),
                  let version = Int(head[head.startIndex..<underscore]), version > 0,
                  head.distance(from: head.startIndex, to: underscore) == 3 else {
                throw .migrationSource(reason: "\(fileName) is not named NNN_name.sql or NNN_name.<flavor>.sql")
            }
            var flavor: SchemaFlavor?
            if parts.count == 2 {
                guard let named = SchemaFlavor(rawValue: String(parts[1])) else {
                    throw .migrationSource(reason: "\(fileName) names flavor '\(parts[1])'; known flavors: \(SchemaFlavor.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                flavor = named
            } else if parts.count > 2 {
                throw .migrationSource(reason: "\(fileName) has too many dots; use NNN_name.sql or NNN_name.<flavor>.sql")
            }
            let sql: String
            do { sql = try String(contentsOfFile: directory + "/" + fileName, encoding: .utf8) } catch {
                throw .migrationSource(reason: "cannot read \(fileName): \(error.localizedDescription)")
            }
            files.append(MigrationFile(version: version, name: String(head[head.index(after: underscore)...]), flavor: flavor, fileName: fileName, sql: sql))
        }
        return files
    }

    /// The ordered migrations for `flavor`: per version, the flavor's own file or the shared one.
    public func plan(for flavor: SchemaFlavor) throws(StorageError) -> [MigrationFile] {
        let files = try load()
        var byVersion: [Int: [MigrationFile]] = [:]
        for file in files { byVersion[file.version, default: []].append(file) }
        var plan: [MigrationFile] = []
        for version in byVersion.keys.sorted() {
            let candidates = byVersion[version] ?? []
            let shared = candidates.filter { $0.flavor == nil }
            let specific = candidates.filter { $0.flavor == flavor }
            if shared.count > 1 || specific.count > 1 || (!shared.isEmpty && candidates.contains { $0.flavor != nil }) {
                throw .migrationSource(reason: "version \(version) has conflicting files: \(candidates.map(\.fileName).joined(separator: ", ")); use one shared file or one file per flavor")
            }
            if let file = specific.first ?? shared.first {
                plan.append(file)
            } else {
                throw .migrationSource(reason: "version \(version) has no file for the \(flavor.rawValue) flavor (found \(candidates.map(\.fileName).joined(separator: ", ")))")
            }
        }
        return plan
    }
}
