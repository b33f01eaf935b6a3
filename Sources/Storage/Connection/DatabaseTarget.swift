import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// Where and as whom to connect to PostgreSQL: an embedded cluster's Unix socket or the server
/// named by DATABASE_URL.
public struct DatabaseTarget: Sendable, Equatable, CustomStringConvertible {
    /// How the server is reached.
    public enum Endpoint: Sendable, Equatable {
        /// A Unix socket in `directory`, named `.s.PGSQL.<port>` as libpq does.
        case unixSocket(directory: String, port: Int)
        /// A TCP host and port.
        case tcp(host: String, port: Int)
    }

    /// Whether to use TLS on TCP connections (never on Unix sockets).
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain text.
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or fail.
        case require
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(endpoint: Endpoint, username: String, password: String?, database: String, tls: TLSMode) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The same server and user, another database.
    public func with(database: String) -> DatabaseTarget {
        var copy = self
        copy.database = database
        return copy
    }

    /// A libpq connection URL for this target, accepted by `psql`; the password is included
    /// only when `includePassword` is true.
    public func url(includePassword: Bool = true) -> String {
        func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#"))) ?? text
        }
        switch endpoint {
        case .unixSocket(let directory, let port):
            let host = directory.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? directory
            return "postgresql:///\(encode(database))?host=\(host)&port=\(port)&user=\(encode(username))"
        case .tcp(let host, let port):
            var userInfo = encode(username)
            if includePassword, let password { userInfo += ":" + encode(password) }
            return "postgresql://\(userInfo)@\(host):\(port)/\(encode(database))?sslmode=\(tls.rawValue)"
        }
    }

    public var description: String { url(includePassword: false) }

    /// Parses a `postgres://` or `postgresql://` URL (libpq's form, including
    /// `postgresql:///db?host=/socket/dir` for Unix sockets and `sslmode`).
    public init(url text: String) throws(StorageError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidDatabaseURL(url: Self.redacted(text), reason: "the scheme must be postgres:// or postgresql://")
        }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let database = String(components.path.drop(while: { $0 == "/" }))
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? items["user"] ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding } ?? items["password"]
        var host = components.host.flatMap { $0.removingPercentEncoding } ?? ""
        if let queryHost = items["host"], !queryHost.isEmpty { host = queryHost }
        let port = components.port ?? items["port"].flatMap(Int.init) ?? 5432
        let tls: TLSMode
        switch items["sslmode"] ?? "prefer" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other: throw .invalidDatabaseURL(url: Self.redacted(text), reason: "unknown sslmode '\(other)'")
        }
        let endpoint: Endpoint
        if host.hasPrefix("/") {
            endpoint = .unixSocket(directory: host, port: port)
        } else if host.isEmpty {
            endpoint = .unixSocket(directory: "/var/run/postgresql", port: port)
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        self.init(endpoint: endpoint, username: user, password: password, database: database.isEmpty ? user : database, tls: tls)
    }

    /// `url` with its password hidden, whether in the user part or a `password=` parameter, for
    /// messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(a database URL that could not be parsed)" }
        if components.password != nil { components.password = "***" }
        components.queryItems = components.queryItems?.map { item in
            item.name.lowercased() == "password" ? URLQueryItem(name: item.name, value: "***") : item
        }
        return components.string ?? "(a database URL that could not be parsed)"
    }

    // MARK: - postgres-nio configurations

    /// A configuration for a pooled `PostgresClient`.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .unixSocket(let directory, let port):
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tlsSetting: PostgresClient.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// A configuration for one `PostgresConnection`.
    public func connectionConfiguration() throws(StorageError) -> PostgresConnection.Configuration {
        switch endpoint {
        case .unixSocket(let directory, let port):
            return .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        case .tcp(let host, let port):
            switch tls {
            case .disable:
                return .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
            case .prefer, .require:
                do {
                    let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                    return .init(host: host, port: port, username: username, password: password, database: database,
                                 tls: tls == .prefer ? .prefer(context) : .require(context))
                } catch {
                    throw .database(operation: "TLS setup", message: "\(error)")
                }
            }
        }
    }

    /// Opens one connection. Close it with `close()` when done.
    public func connect(logger: Logger = Logger(label: "storage.connection")) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: try connectionConfiguration(), id: Self.nextConnectionID(), logger: logger)
    }

    /// Runs `body` with a pooled client that is running for the body's duration and shut down after.
    public func withClient<Result: Sendable>(logger: Logger = Logger(label: "storage.client"),
                                             _ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        let client = PostgresClient(configuration: clientConfiguration(), backgroundLogger: logger)
        // run() must have begun before the body leases a connection, or PostgresNIO warns that
        // run() "hasn't been called yet" (the lease would still wait for it). PostgresNIO has no
        // public "running" signal, but run() marks itself running before its first suspension, and
        // an immediate task runs that far before `Task.immediate` returns; a plain task, started
        // on another thread, lost that race to the body now and then on a loaded machine.
        let running = Task.immediate { await client.run() }
        do {
            let result = try await body(client)
            await Self.stop(running, logger: logger)
            return result
        } catch {
            await Self.stop(running, logger: logger)
            throw error
        }
    }

    /// Cancels a client's `run()` and waits for it to return, for `limit` at most.
    ///
    /// Why not just wait: postgres-nio 1.33's pool was seen never returning from `run()` after
    /// cancellation, with every connection already closed (a test stalled there for good after
    /// its client had sat idle through a minute-long child process). Past the limit the run task
    /// is left to itself with a warning: it holds no connection, and the caller's work is done.
    static func stop(_ running: Task<Void, Never>, logger: Logger, limit: Duration = .seconds(30)) async {
        running.cancel()
        let returned = await FirstOf.wait(orAfter: limit) { await running.value }
        if !returned {
            logger.warning("the database client did not shut down within the limit; going on without waiting for it",
                           metadata: ["limit": "\(limit)"])
        }
    }

    private static let connectionCounter = ConnectionCounter()
    static func nextConnectionID() -> Int { connectionCounter.next() }
}

private final class ConnectionCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
