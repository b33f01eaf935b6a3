import Hummingbird
import Prometheus

/// GET /metrics: the registry in Prometheus' text exposition format. The console's server and
/// the host's own metrics server (``MetricsServer``) both add it, so a scrape reads the same
/// thing wherever it is served.
public enum MetricsRoute {
    /// The text format's content type (version 0.0.4 is what Prometheus asks for in plain text).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds GET /metrics to `router`. It needs no login: metrics are figures, not secrets, and a
    /// scraper cannot log in; the servers bind 127.0.0.1 unless an operator says otherwise.
    public static func add<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry) {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: contentType],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
