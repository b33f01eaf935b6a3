import PostgresNIO

/// Human-readable text for errors from postgres-nio: the server's own message, detail and
/// SQLSTATE when the server sent them, instead of PSQLError's redacted default description.
public func postgresErrorText(_ error: any Error) -> String {
    if let psql = error as? PSQLError {
        if let info = psql.serverInfo {
            var text = info[.message] ?? "server error"
            if let detail = info[.detail] { text += " (\(detail))" }
            if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
            return text
        }
        return String(reflecting: psql)
    }
    return "\(error)"
}

/// The SQLSTATE code of a server error, if any.
public func postgresSQLState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
}
