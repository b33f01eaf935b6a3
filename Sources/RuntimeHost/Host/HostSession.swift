import Dispatch
import Foundation
import Logging
import MarketData
import PostgresNIO
import Risk
import Storage
import TradingCore

/// A running host: the engine fed by a live (or synthetic) feed, persistence off the engine's
/// path, heartbeats and metrics in the database, operator changes applied within a second, and
/// a graceful stop on SIGINT/SIGTERM. One loop owns the engine; everything else talks to it
/// through the loop's input stream.
public final class HostSession {
    /// A deployed strategy the host runs: its row id and what the engine needs.
    public struct Strategy {
        public var id: UUID
        public var engine: EngineStrategy
        public init(id: UUID, engine: EngineStrategy) {
            self.id = id
            self.engine = engine
        }
    }

    enum Input: Sendable {
        case feed(FeedEvent)
        case tick
        case control([StrategyName: String])
        case feedEnded
        case shutdown(String)
    }

    let engine: TradingEngine
    let persistence: PersistencePipeline
    let feed: any MarketDataFeed
    let liveFeed: OKXLiveFeed?
    let target: DatabaseTarget
    let settings: HostSettings
    let logger: Logger
    let hostRecordId = UUID()
    let startedAt: Timestamp
    let strategyNames: [StrategyName]
    var lastStatuses: [StrategyName: String] = [:]
    var lastHeartbeat = Timestamp.zero
    var eventsSinceHeartbeat = 0
    var metricsEndpoint: PrometheusEndpoint?
    let exitOnWedgedCallback: Bool
    /// Market rows dropped that a data_quality risk event already reported.
    var reportedMarketDrops = 0

    /// With `exitOnWedgedCallback` (the `runtime run` process), a strategy callback that never
    /// returns, or a shutdown that cannot finish, ends the process (``HostWatchdog``); a caller
    /// that shares its process with other work (a test) leaves it off.
    public init(engine: TradingEngine, persistence: PersistencePipeline, feed: any MarketDataFeed, liveFeed: OKXLiveFeed?,
                target: DatabaseTarget, settings: HostSettings, strategies: [StrategyName], exitOnWedgedCallback: Bool = false,
                logger: Logger) {
        self.exitOnWedgedCallback = exitOnWedgedCallback
        self.engine = engine
        self.persistence = persistence
        self.feed = feed
        self.liveFeed = liveFeed
        self.target = target
        self.settings = settings
        self.strategyNames = strategies
        self.logger = logger
        self.startedAt = WallClock.now()
    }

    /// Runs until a signal, the end of a finite feed, or `duration` (wall time). Returns the
    /// engine's summary after everything accepted has been written.
    public func run(duration: Duration? = nil) async -> EngineSummary {
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        let watchdog = exitOnWedgedCallback ? makeWatchdog() : nil
        watchdog?.start()
        defer { watchdog?.stop() }
        let signals = Self.installSignalHandlers { signal in
            watchdog?.shutdownRequested()
            continuation.yield(.shutdown(signal))
        }
        defer { signals.forEach { $0.cancel() } }

        let writers = Task { [trading = persistence.trading, market = persistence.market] in
            await PersistencePipeline.run(trading, market)
        }
        let monitorWriter = Task { [recorder = persistence.riskMonitors] in await recorder?.run() }
        let feedEvents = feed.events()
        let feedTask = Task {
            for await event in feedEvents { continuation.yield(.feed(event)) }
            continuation.yield(.feedEnded)
        }
        liveFeed?.start()
        let tickInterval = Duration.milliseconds(min(250, settings.host.controlPollMilliseconds))
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tickInterval)
                continuation.yield(.tick)
            }
        }
        let target = self.target
        let names = strategyNames
        let pollInterval = Duration.milliseconds(settings.host.controlPollMilliseconds)
        let deliver: @Sendable ([StrategyName: String]) -> Void = { continuation.yield(.control($0)) }
        let control = Task {
            await StrategyStatusWatcher.watch(target: target, names: names, pollEvery: pollInterval, deliver)
        }
        let deadline = duration.map { ContinuousClock.now + $0 }
        // Partitions, retention and rollups are kept by whichever host holds the maintenance lock.
        let maintenance = Task { [interval = settings.database.maintenanceInterval, logger] in
            guard let interval else { return }
            try? await target.withClient(logger: logger) { client in
                await MaintenanceJob(client: client, interval: interval, logger: logger).run()
            }
        }

        if settings.host.metricsPort > 0 {
            do {
                metricsEndpoint = try await PrometheusEndpoint.start(port: settings.host.metricsPort, logger: logger)
            } catch {
                logger.warning("Prometheus endpoint not started (is the port taken? set host.metrics_port)",
                               metadata: ["port": "\(settings.host.metricsPort)", "error": "\(error)"])
            }
        }
        engine.start(at: WallClock.now())
        await writeHeartbeat(stopped: false)
        logger.notice("host started", metadata: ["feed": "\(self.feed.label)", "strategies": "\(strategyNames.map(\.rawValue))"])
        loop: for await input in inputs {
            switch input {
            case .feed(let event):
                handle(event)
            case .tick:
                await housekeeping()
                if let deadline, ContinuousClock.now >= deadline {
                    logger.notice("run duration reached; stopping")
                    break loop
                }
            case .control(let statuses):
                applyControl(statuses)
            case .feedEnded:
                logger.notice("feed ended; stopping")
                break loop
            case .shutdown(let signal):
                logger.notice("\(signal) received; stopping gracefully")
                break loop
            }
            if engine.outbox.count >= 256 { await persistence.submit(engine.drainOutbox()) }
        }

        // Stop intake first, then let the strategies stop, then flush everything accepted.
        ticker.cancel()
        control.cancel()
        maintenance.cancel()
        await liveFeed?.stop()
        feedTask.cancel()
        engine.stop(at: WallClock.now())
        await persistence.submit(engine.drainOutbox())
        persistence.riskMonitors?.record(from: engine, strategies: strategyNames, at: WallClock.now())
        await writeMetrics()
        await writeHeartbeat(stopped: true)
        await persistence.flush()
        persistence.finish()
        await writers.value
        persistence.riskMonitors?.finish()
        await monitorWriter.value
        await metricsEndpoint?.close()
        continuation.finish()
        logger.notice("host stopped", metadata: ["events": "\(engine.summary.events)", "fills": "\(engine.summary.fills)"])
        return engine.summary
    }

    /// The watchdog for callbacks that never return and shutdowns that never finish: it halts the
    /// wedged strategy in the database and flushes the trading records accepted so far before the
    /// process exits (see ``HostWatchdog``).
    private func makeWatchdog() -> HostWatchdog {
        let trading = persistence.trading, target = target, logger = logger, mode = engine.options.mode
        let ids = persistence.strategyIds
        return HostWatchdog(
            watch: engine.callbackWatch, strategies: engine.strategiesBySlot, callbackBudget: engine.options.callbackBudget, logger: logger,
            onWedged: { wedge in
                logger.critical("\(wedge); the host cannot preempt it, so it halts \(wedge.strategy) and exits with status \(HostWatchdog.wedgedExitStatus): restart it (a supervisor does) to resume the other strategies")
                if let id = ids[wedge.strategy] {
                    do {
                        try await target.withClient(logger: logger) { client in
                            try await HostLauncher.haltFromHost(id, name: wedge.strategy, previous: nil, eventType: "callback_timeout",
                                                                reason: wedge.description, mode: mode, client: client, logger: logger)
                        }
                    } catch {
                        logger.critical("could not record the halt of \(wedge.strategy): \(error)")
                    }
                }
                await trading.flush()
            },
            onStuckShutdown: { await trading.flush() })
    }

    private func handle(_ event: FeedEvent) {
        switch event {
        case .market(let marketEvent, let receivedAt):
            engine.handle(marketEvent, receivedAt: receivedAt)
            eventsSinceHeartbeat += 1
        case .decodeFailure:
            engine.noteDecodeFailure()
        case .connection(let endpoint, let change):
            logger.info("feed connection", metadata: ["endpoint": "\(endpoint)", "event": "\(change)"])
            // A reconnect may have lost messages: references and books are not to be trusted blindly.
            engine.noteFeedDiscontinuity()
        case .exchangeMessage(let endpoint, let message):
            logger.warning("message from OKX", metadata: ["endpoint": "\(endpoint)", "message": "\(message)"])
        }
        for instrument in engine.takeResubscribeRequests() {
            liveFeed?.requestSnapshot(OKXSubscription(channel: "books", instId: instrument.symbol))
        }
    }

    private func housekeeping() async {
        publishPrometheus()
        let now = WallClock.now()
        if now.nanoseconds(since: lastHeartbeat) >= Int64(settings.host.heartbeatSeconds) * 1_000_000_000 {
            engine.recordQualityMetrics()
            await persistence.submit(engine.drainOutbox())
            await writeMetrics()
            await writeHeartbeat(stopped: false)
            persistence.riskMonitors?.record(from: engine, strategies: strategyNames, at: now)
            await reportDroppedMarketRows(at: now)
        }
    }

    /// Market rows the full writer queue dropped since the last report become one data_quality
    /// risk event: a gap in stored market data is a fact operators must see, not only a metric.
    private func reportDroppedMarketRows(at now: Timestamp) async {
        let dropped = persistence.market.statistics.dropped
        guard dropped > reportedMarketDrops else { return }
        let new = dropped - reportedMarketDrops
        reportedMarketDrops = dropped
        let event = RiskEventRecord(
            eventType: RiskEventType.dataQuality.rawValue, severity: .warning,
            description: "the market-data writer fell behind the database and dropped its \(new) oldest queued rows (\(dropped) in this run); "
                + "stored market data has a gap there (trading records are never dropped)",
            metricName: "market_rows_dropped", metricValue: FixedPoint(new), createdAt: now, mode: engine.options.mode)
        do { try await persistence.trading.submit(.riskEvent(event)) } catch {
            logger.error("could not record the dropped market rows", metadata: ["error": "\(error)"])
        }
    }

    /// Applies status changes operators made in the database (pause, resume, stop, halt).
    private func applyControl(_ statuses: [StrategyName: String]) {
        for (name, status) in statuses where lastStatuses[name] != status {
            defer { lastStatuses[name] = status }
            guard lastStatuses[name] != nil else { continue } // the first reading is the starting point
            guard let state = StrategyStatus(rawValue: status).flatMap(StrategyStatusMapping.tradingState),
                  engine.risk.state(of: name) != state else { continue }
            logger.notice("operator changed a strategy", metadata: ["strategy": "\(name)", "status": "\(status)"])
            engine.adoptOperatorState(state, for: name)
        }
    }

    private func writeHeartbeat(stopped: Bool) async {
        let now = WallClock.now()
        let rate = eventsSinceHeartbeat > 0 && lastHeartbeat > .zero
            ? FixedPoint(Int(Double(eventsSinceHeartbeat) / max(0.001, Double(now.nanoseconds(since: lastHeartbeat)) / 1e9)))
            : FixedPoint.zero
        let metrics = liveFeed?.metrics ?? []
        let connected = liveFeed == nil ? true : metrics.contains { $0.isConnected }
        let lag = feedLagNanoseconds.map { $0 / 1_000_000 }
        let record = HostRecord(id: hostRecordId, hostName: ProcessInfo.processInfo.hostName,
                                processId: Int(ProcessInfo.processInfo.processIdentifier), mode: engine.options.mode,
                                strategies: strategyNames.map(\.rawValue), startedAt: startedAt, lastHeartbeat: now,
                                feedConnected: connected, feedLagMs: lag, messageRate: rate,
                                reconnects: metrics.map(\.reconnects).reduce(0, +), stoppedAt: stopped ? now : nil)
        do {
            try await persistence.trading.submit(.host(record))
        } catch {
            logger.error("heartbeat refused", metadata: ["error": "\(error)"])
        }
        lastHeartbeat = now
        eventsSinceHeartbeat = 0
    }

    /// The host's counters, one list for both system_metrics (by category) and Prometheus.
    private func counters() -> [(category: String, name: String, help: String, value: Int)] {
        let summary = engine.summary
        let trading = persistence.trading.statistics
        let market = persistence.market.statistics
        return [
            ("host", "events_total", "market events processed", summary.events),
            ("host", "decode_errors_total", "frames that could not be decoded", summary.decodeErrors),
            ("host", "quality_rejections_total", "events rejected by data quality", summary.rejected.values.reduce(0, +)),
            ("host", "risk_rejections_total", "orders rejected by the risk engine", summary.riskRejections),
            ("host", "orders_total", "orders strategies placed", summary.orders),
            ("host", "fills_total", "paper fills", summary.fills),
            ("host", "strategy_faults_total", "strategies halted for throwing", summary.strategyFaults),
            ("host", "callback_budget_overruns_total", "strategy callbacks over their time budget", summary.budgetOverruns),
            ("writer", "market_queue_depth", "market-data rows waiting to be written", market.pending),
            ("writer", "market_written_total", "market-data rows written", market.written),
            ("writer", "market_dropped_total", "market-data rows dropped because the queue was full", market.dropped),
            ("writer", "market_retried_total", "market-data batches retried", market.retried),
            ("writer", "trading_queue_depth", "trading records waiting to be written", trading.pending),
            ("writer", "trading_written_total", "trading records written", trading.written),
            ("writer", "trading_refused_total", "trading records the server refused", trading.refused),
            ("writer", "trading_waited_total", "trading records whose submitter waited for a full queue", trading.waitedForRoom),
        ]
    }

    /// Exchange time to receive time of the latest message, nanoseconds. A local clock ahead of the
    /// exchange's shows as negative lag: it is reported as none.
    private var feedLagNanoseconds: Int64? {
        liveFeed?.metrics.map(\.lastLagNanoseconds).max().map { max(0, $0) }
    }

    private func publishPrometheus() {
        guard let metricsEndpoint else { return }
        metricsEndpoint.publish(counters().map { ("ea_okx_\($0.name)", $0.help, "\($0.value)") } + [
            ("ea_okx_feed_lag_seconds", "exchange time to receive time of the latest message",
             "\(Double(feedLagNanoseconds ?? 0) / 1e9)"),
        ])
    }

    /// The host's own figures for system_metrics (category `host` and `writer`).
    private func writeMetrics() async {
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

    static func installSignalHandlers(_ handler: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(name) }
            source.resume()
            return source
        }
    }
}
