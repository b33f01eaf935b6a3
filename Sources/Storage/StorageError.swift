/// Everything Storage can refuse or fail at, each case saying what was wrong and what to do.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found.
    case postgresNotInstalled(searched: [String])
    /// The embedded cluster could not be created, started, stopped or inspected.
    case embeddedCluster(reason: String)
    /// DATABASE_URL (or a configured URL) could not be understood.
    case invalidDatabaseURL(url: String, reason: String)
    /// The migrations folder is missing or holds a file whose name is not `NNN_name[.flavor].sql`.
    case migrationSource(reason: String)
    /// An applied migration's file no longer matches what was applied.
    case migrationChecksumMismatch(version: Int, name: String, recorded: String, current: String)
    /// A migration failed; the database was left as it was before that migration.
    case migrationFailed(file: String, statement: String, message: String)
    /// A row was refused before it was sent because the schema's constraints would reject it.
    case invalidRow(table: String, field: String, reason: String)
    /// A value read from the database could not be converted to its Swift type.
    case decoding(table: String, column: String, value: String, reason: String)
    /// A database operation failed.
    case database(operation: String, message: String)

    /// The server's SQLSTATE code when this wraps a server error (e.g. "23503" for a foreign key).
    public var sqlState: String? {
        guard case .database(_, let message) = self, let range = message.range(of: "[SQLSTATE ") else { return nil }
        return String(message[range.upperBound...].prefix(5))
    }

    public var description: String {
        switch self {
        case .postgresNotInstalled(let searched):
            return "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or in \(searched.joined(separator: ", ")); install them (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to an existing server"
        case .embeddedCluster(let reason):
            return "embedded PostgreSQL: \(reason)"
        case .invalidDatabaseURL(let url, let reason):
            return "database URL '\(url)' is invalid: \(reason); expected postgres://user[:password]@host[:port]/database or postgresql:///database?host=/socket/dir"
        case .migrationSource(let reason):
            return "migrations: \(reason)"
        case .migrationChecksumMismatch(let version, let name, let recorded, let current):
            return "migration \(String(format: "%03d", version))_\(name) was applied with checksum \(recorded) but the file now has \(current); applied migrations must never be edited: restore the file and add a new migration instead"
        case .migrationFailed(let file, let statement, let message):
            return "migration \(file) failed and was rolled back (the database is unchanged by it): \(message)\n  in statement: \(statement)"
        case .invalidRow(let table, let field, let reason):
            return "refused \(table) row: \(field) \(reason)"
        case .decoding(let table, let column, let value, let reason):
            return "cannot read \(table).\(column) value '\(value)': \(reason)"
        case .database(let operation, let message):
            return "\(operation) failed: \(message)"
        }
    }
}
