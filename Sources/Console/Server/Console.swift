import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import RuntimeHost
import Storage

/// The console's shared state: the database, the configuration, the templates, and the
/// in-memory login throttle and logged-out sessions. Route handlers are its extensions, one
/// file per area (login, pages, actions, live updates).
struct Console: Sendable {
    let client: PostgresClient
    let configuration: ConsoleConfiguration
    let templates: ConsoleTemplates
    let throttle: LoginThrottle
    let revocations = SessionRevocations()
    /// The running host's metrics, served at /metrics; nil when no host runs in this process.
    let metrics: PrometheusCollectorRegistry?
    let logger: Logger

    init(client: PostgresClient, configuration: ConsoleConfiguration, metrics: PrometheusCollectorRegistry?, logger: Logger) throws {
        self.client = client
        self.metrics = metrics
        self.configuration = configuration
        self.templates = try ConsoleTemplates()
        self.throttle = LoginThrottle(limit: configuration.loginFailureLimit, window: configuration.loginFailureWindow)
        self.logger = logger
    }

    var now: Int64 { configuration.clock() }

    /// The operator checks of the CLI, for the console's requests.
    var access: OperatorAccess { OperatorAccess(client: client, logger: logger) }

    /// Every route.
    func router() -> Router<ConsoleRequestContext> {
        let router = Router(context: ConsoleRequestContext.self)
        router.get("/healthz") { _, _ in "ok" }
        if let metrics { MetricsRoute.add(to: router, registry: metrics) }
        addLoginRoutes(to: router)
        addPageRoutes(to: router)
        addMarketAndAuditRoutes(to: router)
        addActionRoutes(to: router)
        addLiveRoutes(to: router)
        return router
    }
}
