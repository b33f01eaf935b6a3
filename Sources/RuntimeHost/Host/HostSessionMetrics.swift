import MarketData
import Storage
import TradingCore

/// The host's figures: the same counters go to system_metrics (by category, read back by
/// `runtime status` and the console) and to /metrics (with the feed and per-strategy series
/// that only a scrape wants). docs/metrics.md documents each name.
extension HostSession {
    /// A host counter: its system_metrics category and name (the /metrics name is `ea_okx_` +
    /// name) and its value. By Prometheus' convention a name ending in `_total` is a counter,
    /// any other a gauge.
    struct HostCounter {
        var category: String
        var name: String
        var value: Int
    }

    func counters() -> [HostCounter] {
        let summary = engine.summary
        let trading = persistence.trading.statistics
        let market = persistence.market.statistics
        return [
            HostCounter(category: "host", name: "events_total", value: summary.events),
            HostCounter(category: "host", name: "decode_errors_total", value: summary.decodeErrors),
            HostCounter(category: "host", name: "quality_rejections_total", value: summary.rejected.values.reduce(0, +)),
            HostCounter(category: "host", name: "risk_rejections_total", value: summary.riskRejections),
            HostCounter(category: "host", name: "orders_total", value: summary.orders),
            HostCounter(category: "host", name: "fills_total", value: summary.fills),
            HostCounter(category: "host", name: "strategy_faults_total", value: summary.strategyFaults),
            HostCounter(category: "host", name: "callback_budget_overruns_total", value: summary.budgetOverruns),
            HostCounter(category: "writer", name: "market_queue_depth", value: market.pending),
            HostCounter(category: "writer", name: "market_written_total", value: market.written),
            HostCounter(category: "writer", name: "market_dropped_total", value: market.dropped),
            HostCounter(category: "writer", name: "market_retried_total", value: market.retried),
            HostCounter(category: "writer", name: "trading_queue_depth", value: trading.pending),
            HostCounter(category: "writer", name: "trading_written_total", value: trading.written),
            HostCounter(category: "writer", name: "trading_refused_total", value: trading.refused),
            HostCounter(category: "writer", name: "trading_waited_total", value: trading.waitedForRoom),
        ]
    }

    /// Exchange time to receive time of the latest message, nanoseconds. A local clock ahead of the
    /// exchange's shows as negative lag: it is reported as none.
    var feedLagNanoseconds: Int64? {
        liveFeed?.metrics.map(\.lastLagNanoseconds).max().map { max(0, $0) }
    }

    /// Brings /metrics up to date (every tick, and once more after the stop).
    func publishMetrics() {
        for counter in counters() {
            if counter.name.hasSuffix("_total") {
                metrics.total(counter.name, counter.value)
            } else {
                metrics.gauge(counter.name, Double(counter.value))
            }
        }
        let summary = engine.summary
        metrics.total("quality_flagged_total", summary.flagged.values.reduce(0, +))
        let feeds = liveFeed?.metrics ?? []
        // As in the heartbeat: a host without a live feed (synthetic) counts as connected.
        metrics.gauge("feed_connected", liveFeed == nil || feeds.contains { $0.isConnected } ? 1 : 0)
        metrics.gauge("feed_lag_seconds", Double(feedLagNanoseconds ?? 0) / 1e9)
        metrics.total("feed_frames_total", feeds.map(\.framesReceived).reduce(0, +))
        metrics.total("feed_reconnects_total", feeds.map(\.reconnects).reduce(0, +))
        for name in strategyNames {
            let figures = summary.strategies[name] ?? EngineSummary.StrategyFigures()
            let strategy = [("strategy", name.rawValue)]
            metrics.total("strategy_orders_total", figures.orders, dimensions: strategy)
            metrics.total("strategy_fills_total", figures.fills, dimensions: strategy)
            metrics.strategyState(name, engine.risk.state(of: name))
        }
    }

    /// The host's own figures for system_metrics (category `host` and `writer`).
    func writeMetrics() async {
        let now = WallClock.now()
        let tags = RecordMapping.json(["host": hostRecordId.uuidString, "mode": engine.options.mode.rawValue])
        for counter in counters() {
            persistence.market.submit(.metric(SystemMetricRecord(timestamp: now, category: counter.category, name: counter.name,
                                                                 value: FixedPoint(counter.value), unit: "count", tags: tags)))
        }
        if let lag = feedLagNanoseconds {
            persistence.market.submit(.metric(SystemMetricRecord(timestamp: now, category: "host", name: "feed_lag_ms",
                                                                 value: FixedPoint(Int(lag / 1_000_000)), unit: "ms", tags: tags)))
        }
    }
}
