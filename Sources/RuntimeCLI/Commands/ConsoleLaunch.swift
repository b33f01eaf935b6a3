import ArgumentParser
import Console
import Foundation
import Logging
import PostgresNIO
import Prometheus
import RuntimeHost
import ServiceLifecycle
import Storage
import UnixSignals

/// What `runtime web` and `runtime run --web` share: the console's configuration from the
/// command line and environment, the check that the database login may speak for operators,
/// and serving it until the task is cancelled.
enum ConsoleLaunch {
    /// The configuration for `address` (HOST:PORT), with the session key from
    /// RUNTIME_CONSOLE_SECRET (32+ bytes) or a random one.
    static func configuration(address: String, option: String, sessionHours: Int, secureCookies: Bool,
                              databaseName: String) throws -> ConsoleConfiguration {
        let listen: ConsoleAddress
        do { listen = try ConsoleAddress(parsing: address, field: option) } catch { throw ValidationError(error.description) }
        guard (1...168).contains(sessionHours) else { throw ValidationError("--session-hours must be between 1 and 168, not \(sessionHours)") }
        let signer: SessionSigner
        if let secret = ProcessInfo.processInfo.environment["RUNTIME_CONSOLE_SECRET"], !secret.isEmpty {
            do { signer = try SessionSigner(secret: Array(secret.utf8), field: "RUNTIME_CONSOLE_SECRET") } catch {
                throw ValidationError(error.description)
            }
        } else {
            signer = .random()
        }
        return ConsoleConfiguration(address: listen, signer: signer, sessionLifetime: Int64(sessionHours) * 3600,
                                    secureCookies: secureCookies, databaseName: databaseName)
    }

    /// Refuses a database login that may not speak for operators (see migration 015).
    static func checkLogin(_ client: PostgresClient, identity: String) async throws {
        guard try await ConsoleAccounts(client).speaksForOperators() else {
            throw OperatorError.invalidArgument(
                field: "database login",
                reason: "'\(identity)' may not speak for other operators, so it cannot serve the console; an owner runs GRANT runtime_console TO \"\(identity)\";")
        }
    }

    /// The console as a service group that announces its address on stderr: `runtime web` runs
    /// it until SIGINT/SIGTERM (`signals`); beside a host, which owns the signals, it runs until
    /// the host has stopped and triggers its graceful shutdown, and serves the host's `metrics`.
    static func service(_ configuration: ConsoleConfiguration, client: PostgresClient, metrics: PrometheusCollectorRegistry? = nil,
                        signals: [UnixSignal], logger: Logger) throws -> ServiceGroup {
        let host = configuration.address.host
        let app = try ConsoleServer(client: client, configuration: configuration, metrics: metrics, logger: logger).application { port in
            FileHandle.standardError.write(Data("runtime: console at http://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n".utf8))
        }
        return ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: signals, logger: logger))
    }
}
