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
    /// The figures /metrics serves (docs/metrics.md).
    let metrics: HostMetrics
    var metricsServer: MetricsServer?
    let exitOnWedgedCallback: Bool
    /// Market rows dropped that a data_quality risk event already reported.
    var reportedMarketDrops = 0

    /// With `exitOnWedgedCallback` (the `runtime run` process), a strategy callback that never
    /// returns, or a shutdown that cannot finish, ends the process (``HostWatchdog``); a caller
    /// that shares its process with other work (a test) leaves it off.
    public init(engine: TradingEngine, persistence: PersistencePipeline, feed: any MarketDataFeed, liveFeed: OKXLiveFeed?,
                target: DatabaseTarget, settings: HostSettings, strategies: [StrategyName], exitOnWedgedCallback: Bool = false,
                metrics: HostMetrics = HostMetrics(), logger: Logger) {
        self.exitOnWedgedCallback = exitOnWedgedCallback
        self.metrics = metrics
        // The host's records go to its writers, and nothing else reads them.
        engine.keptRecords.formIntersection(PersistencePipeline.recordsRead)
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

        // A halt the venue found while starting (OKX's first reconciliation) holds from the
        // strategies' first callback: acted on later, market data the feed already delivered
        // could make them trade first.
        await actOnVenueNotices()
        engine.start(at: WallClock.now())
        // Every series exists, at zero, before the first scrape.
        publishMetrics()
        await startMetricsServer()
        await writeHeartbeat(stopped: false)
        logger.notice("host started", metadata: ["feed": "\(self.feed.label)", "strategies": "\(strategyNames.map(\.rawValue))"])
        loop: for await input in inputs {
            switch input {
            case .feed(let event):
                handle(event)
            case .tick:
                // An exchange's answers arrive without market data: hand them to the engine.
                if engine.options.mode.tradesOnOKX { engine.advance(to: WallClock.now()) }
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
            await releaseHeldRequests()
            await actOnVenueNotices()
        }

        // Stop intake first, then let the strategies stop, then flush everything accepted.
        ticker.cancel()
        control.cancel()
        maintenance.cancel()
        await liveFeed?.stop()
        feedTask.cancel()
        engine.stop(at: WallClock.now())
        await settleExchangeRequests()
        await persistence.submit(engine.drainOutbox())
        persistence.riskMonitors?.record(from: engine, strategies: strategyNames, at: WallClock.now())
        // The last sample is taken once everything accepted is written, so a stopped host's
        // figures are final: empty queues, every row counted (unless the database refused some).
        await persistence.flush()
        await writeMetrics()
        await writeHeartbeat(stopped: true)
        await persistence.flush()
        persistence.finish()
        await writers.value
        persistence.riskMonitors?.finish()
        await monitorWriter.value
        // The final figures, for a scrape after the stop (the console may outlive the host).
        publishMetrics()
        await metricsServer?.stop()
        continuation.finish()
        logger.notice("host stopped", metadata: ["events": "\(engine.summary.events)", "fills": "\(engine.summary.fills)"])
        return engine.summary
    }

    /// Serves /metrics on `host.metrics_port` unless it is 0 (as it is when the console serves
    /// them). A port that cannot be bound is logged, not fatal: trading matters more than scrapes.
    private func startMetricsServer() async {
        guard settings.host.metricsPort > 0 else { return }
        do {
            metricsServer = try await MetricsServer.start(port: settings.host.metricsPort, registry: metrics.registry, logger: logger)
        } catch {
            logger.warning("metrics server not started (is the port taken? set host.metrics_port)",
                           metadata: ["port": "\(settings.host.metricsPort)", "error": "\(error)"])
        }
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
        publishMetrics()
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

    /// An exchange venue holds each request until the rows handed on before it are committed: an
    /// order must never reach the exchange without its row, or a crash right after would forget
    /// it. The wait is one commit, paid only when a request is waiting, and at most
    /// `host.order_row_timeout_ms`: past it, or when a row was refused, the new orders are
    /// withdrawn (which row failed is not known here: no new order leaves on a doubt). Cancels
    /// and amends of orders already sent, whose rows exist, are not held at all.
    private func releaseHeldRequests() async {
        guard engine.venue.holdsRequests else { return }
        let refusedBefore = persistence.refusedRecords
        await persistence.submit(engine.drainOutbox())
        let written = await persistence.trading.flush(within: .milliseconds(settings.host.orderRowTimeoutMilliseconds))
        if !written {
            logger.error("the database did not confirm the trading records within host.order_row_timeout_ms; the new orders waiting on them are not sent",
                         metadata: ["timeout_ms": "\(settings.host.orderRowTimeoutMilliseconds)"])
            engine.withdrawHeldOrders(reason: "not sent: the database did not confirm its row in time")
        } else if persistence.refusedRecords > refusedBefore {
            logger.error("a trading record was refused by the database; the new orders waiting on it are not sent")
            engine.withdrawHeldOrders(reason: "not sent: a trading record before it could not be written")
        }
        engine.venue.recordsAreDurable()
    }

    /// The strategies' last requests on an exchange (cancels, amends and flattening on stop) are
    /// answered over the network: their rows are final only once OKX has answered every order
    /// sent, cancel and amend, and the orders that cannot rest (market, IOC, FOK) have ended, so
    /// the stop waits for that, at most `settleTimeout`. What is still unsettled then is looked up
    /// on the next start.
    private func settleExchangeRequests(settleTimeout: Duration = .seconds(15)) async {
        guard engine.options.mode.tradesOnOKX else { return }
        let deadline = ContinuousClock.now + settleTimeout
        func unsettled() -> [ClientOrderId] {
            engine.venue.openOrders.filter { $0.status == .pending || [.market, .ioc, .fok].contains($0.orderType) }.map(\.clientOrderId)
                + engine.ledger.ordersAwaitingAnswers
        }
        await releaseHeldRequests()
        while engine.venue.holdsRequests || !unsettled().isEmpty {
            guard ContinuousClock.now < deadline else {
                logger.warning("stopping with orders OKX has not settled; the next start looks them up", metadata: ["orders": "\(unsettled())"])
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
            engine.advance(to: WallClock.now())
            await releaseHeldRequests()
        }
    }

    /// Records what the venue reported besides order events; a halt, which the engine already
    /// carried out, is recorded as the host's own: status, critical risk event and audit row.
    private func actOnVenueNotices() async {
        // The engine carries out a halt as soon as the venue reports it; what the venue found
        // before any input (while connecting) is carried out here.
        engine.carryOutVenueNotices()
        for notice in engine.takeVenueNotices() {
            let now = WallClock.now()
            switch notice {
            case .warning(let eventType, let description):
                logger.warning("venue: \(description)", metadata: ["event": "\(eventType)"])
                let event = RiskEventRecord(eventType: eventType, severity: .warning, description: description,
                                            createdAt: now, mode: engine.options.mode)
                do { try await persistence.trading.submit(.riskEvent(event)) } catch {
                    logger.error("could not record a venue warning", metadata: ["error": "\(error)"])
                }
            case .halt(let strategies, let eventType, let reason):
                for name in strategyNames where strategies?.contains(name) ?? true {
                    logger.critical("venue: halted \(name): \(reason)")
                    guard let id = persistence.strategyIds[name] else { continue }
                    let mode = engine.options.mode, logger = logger
                    do {
                        try await target.withClient(logger: logger) { client in
                            try await HostLauncher.haltFromHost(id, name: name, previous: nil, eventType: eventType, reason: reason,
                                                                mode: mode, client: client, logger: logger)
                        }
                    } catch {
                        logger.critical("could not record the halt of \(name): \(error)")
                    }
                }
            }
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
