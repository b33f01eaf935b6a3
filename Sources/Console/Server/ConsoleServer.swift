import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Prometheus

/// The operations console: `runtime web` serves it against the database. It acts for the
/// operator who logged in through the database's operator functions, which trust the name it
/// passes only because its session is the embedded cluster's superuser or a member of
/// `runtime_console` (migration 015).
public struct ConsoleServer: Sendable {
    let console: Console

    /// A console over `client` (whose pool the caller runs); with `metrics` (the registry of a
    /// host in the same process) it also serves them at /metrics.
    public init(client: PostgresClient, configuration: ConsoleConfiguration, metrics: PrometheusCollectorRegistry? = nil,
                logger: Logger = Logger(label: "runtime.console")) throws {
        console = try Console(client: client, configuration: configuration, metrics: metrics, logger: logger)
    }

    /// The application; `onRunning` is told the port it bound (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let address = console.configuration.address
        return Application(
            router: console.router(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "ea-okx-console"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? address.port) },
            logger: console.logger)
    }

    /// Serves until the task is cancelled or the process gets SIGINT/SIGTERM.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService()
    }
}
