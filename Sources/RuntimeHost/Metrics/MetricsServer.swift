import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The host's /metrics when no console serves it (`host.metrics_port`): a Hummingbird app with
/// that one route, so that the runtime has a single HTTP stack. It runs until ``stop()``; the
/// host owns SIGINT/SIGTERM, so the server installs no signal handlers of its own.
public final class MetricsServer: Sendable {
    /// The bound port (the one asked for, or the one the system chose for 0).
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// Serves `registry` at http://`host`:`port`/metrics and returns once the port is bound.
    /// - Throws: the bind's error (e.g. the port is taken), or ``MetricsServerError`` when the
    ///   server stopped before it was bound.
    public static func start(host: String = "127.0.0.1", port: Int, registry: PrometheusCollectorRegistry,
                             logger: Logger) async throws -> MetricsServer {
        let router = Router()
        MetricsRoute.add(to: router, registry: registry)
        let (bound, announce) = AsyncThrowingStream<Int, any Error>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ea-okx-metrics"),
                              onServerRunning: { channel in announce.yield(channel.localAddress?.port ?? port) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                announce.finish()
            } catch {
                announce.finish(throwing: error)
                throw error
            }
        }
        var ports = bound.makeAsyncIterator()
        guard let port = try await ports.next() else { throw MetricsServerError.stoppedBeforeBinding(host: host, port: port) }
        logger.info("metrics served", metadata: ["url": "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/metrics"])
        return MetricsServer(port: port, group: group, task: task)
    }

    /// Stops serving and waits until the port is released.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// Why the metrics server did not start.
public enum MetricsServerError: Error, CustomStringConvertible {
    case stoppedBeforeBinding(host: String, port: Int)

    public var description: String {
        switch self {
        case .stoppedBeforeBinding(let host, let port): "host.metrics_port: the metrics server at \(host):\(port) stopped before it was bound"
        }
    }
}
