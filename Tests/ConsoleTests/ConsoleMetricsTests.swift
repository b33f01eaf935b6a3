import Console
import Prometheus
import RuntimeHost
import TestSupport
import Testing

/// Beside a host, the console's own server answers /metrics (the host's registry, Prometheus'
/// text format, no login needed); without a host there is no /metrics. That a real host's
/// figures arrive there and match docs/metrics.md is HostMetricsTests' part.
@Suite(.watchdog) struct ConsoleMetricsTests {
    @Test func theConsoleServesTheHostsMetricsWithoutALogin() async throws {
        try await ConsoleFixture.with { fixture in
            let registry = PrometheusCollectorRegistry()
            let events = registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "ea_okx", metricName: "events", unitName: "total",
                                                                                    helpText: ""))
            events.increment(by: Int64(3))
            try await fixture.serve(metrics: registry) { browser in
                let page = try await browser.get("/metrics")
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == MetricsRoute.contentType)
                #expect(page.body.contains("# TYPE ea_okx_events_total counter\nea_okx_events_total 3\n"), "\(page.body)")
                // The figures change under a running host; each scrape reads them anew.
                events.increment(by: Int64(2))
                #expect(try await browser.get("/metrics").body.contains("ea_okx_events_total 5\n"))
            }
            try await fixture.serve { browser in
                let page = try await browser.get("/metrics")
                #expect(page.status == .notFound)
            }
        }
    }
}
