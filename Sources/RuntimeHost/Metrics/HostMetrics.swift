import CoreMetrics
import Prometheus
import Risk
import TradingCore

/// The host's figures as swift-metrics instruments (counters and gauges), kept in a Prometheus
/// registry of its own that /metrics serves (docs/metrics.md names every one).
///
/// Instruments are made through an explicit factory instead of `MetricsSystem.bootstrap`: the
/// global bootstrap may happen only once per process, while tests run many hosts in one process
/// and each must see its own figures.
///
/// Not Sendable: the host's loop, which owns the engine, is the only writer. Scrapes read the
/// registry, which is.
public final class HostMetrics {
    /// What /metrics renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private var counters: [String: CounterTotal] = [:]
    private var gauges: [String: CoreMetrics.Gauge] = [:]
    private var strategyStates: [StrategyName: [StrategyTradingState: CoreMetrics.Gauge]] = [:]

    /// Every name starts with this, so the host's series are told apart from other exporters'.
    public static let prefix = "ea_okx_"

    /// Metrics in `registry`, a new one by default: whoever serves /metrics (the host's own
    /// server, or the console beside it) reads ``registry``.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// A cumulative total (events, rows written, ...) as a Prometheus counter. The host's totals
    /// are read from the engine and the writers, which count themselves; the counter is advanced
    /// by what was added since the last reading, so it never goes backwards.
    func total(_ name: String, _ value: Int, dimensions: [(String, String)] = []) {
        let key = Self.key(name, dimensions)
        let counter = counters[key] ?? CounterTotal(CoreMetrics.Counter(label: Self.prefix + name, dimensions: dimensions, factory: factory))
        counters[key] = counter
        counter.advance(to: value)
    }

    /// A figure that goes up and down (queue depths, lag) as a Prometheus gauge.
    func gauge(_ name: String, _ value: Double, dimensions: [(String, String)] = []) {
        let key = Self.key(name, dimensions)
        let gauge = gauges[key] ?? CoreMetrics.Gauge(label: Self.prefix + name, dimensions: dimensions, factory: factory)
        gauges[key] = gauge
        gauge.record(value)
    }

    /// One series per strategy and state, 1 for the state it is in and 0 for the others (the
    /// Prometheus way to expose an enumeration: `ea_okx_strategy_state{state="halted"} == 1`
    /// selects the halted ones).
    func strategyState(_ strategy: StrategyName, _ state: StrategyTradingState?) {
        let series = strategyStates[strategy] ?? Dictionary(uniqueKeysWithValues: StrategyTradingState.allCases.map { candidate in
            (candidate, CoreMetrics.Gauge(label: Self.prefix + "strategy_state",
                                          dimensions: [("strategy", strategy.rawValue), ("state", candidate.rawValue)], factory: factory))
        })
        strategyStates[strategy] = series
        for (candidate, gauge) in series { gauge.record(candidate == state ? 1 : 0) }
    }

    private static func key(_ name: String, _ dimensions: [(String, String)]) -> String {
        ([name] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1F}")
    }
}

/// A swift-metrics counter fed from a cumulative total.
private final class CounterTotal {
    let counter: CoreMetrics.Counter
    var last = 0

    init(_ counter: CoreMetrics.Counter) { self.counter = counter }

    func advance(to value: Int) {
        // A total that went down adds nothing: a counter that went backwards would read to
        // Prometheus as a restart of the host.
        if value > last { counter.increment(by: value - last) }
        last = max(last, value)
    }
}
