import ArgumentParser
import Foundation
import History
import Logging
import MarketData
import RuntimeHost
import ServiceLifecycle
import Storage
import TradingCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the host: trade deployed strategies on the paper venue against the live OKX feed.",
        discussion: """
            Loads the deployed strategies and their plugins from the database, subscribes the OKX feed to what \
            they need (endpoints from config/runtime.yaml, OKX_WS_PUBLIC_URL / OKX_WS_BUSINESS_URL override), \
            and trades on the paper venue, persisting everything with mode=paper. SIGINT or SIGTERM stops it \
            gracefully: intake stops, the writers flush, the partial day is rolled up, the host is marked stopped.
            """
    )

    @Flag(name: .long, help: "Trade on the paper venue (the only venue so far; the default).")
    var paper = false

    @Option(name: .long, help: "Only these deployed strategies (comma-separated names).")
    var strategies: String?

    @Flag(name: .long, help: "Use the seeded synthetic feed instead of OKX (clearly labelled SYNTHETIC).")
    var synthetic = false

    @Option(name: .long, help: "Stop after this long, e.g. 30s, 10m, 2h (default: until SIGINT/SIGTERM).")
    var duration: String?

    @Option(name: .long, help: "Also serve the operations console at HOST:PORT, e.g. 127.0.0.1:8080 (see `runtime web --help`); /metrics is then served there instead of on host.metrics_port.")
    var web: String?

    func run() async throws {
        let runFor = try duration.map(RecordCommand.parseDuration)
        var settings = try HostSettings.load()
        let catalog = try InstrumentCatalog.load(contentsOf: ProjectPaths.instruments)
        let logger = Logger(label: "runtime.host")
        let only = strategies.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let useSynthetic = synthetic
        let webAddress = web
        if let webAddress {
            _ = try ConsoleLaunch.configuration(address: webAddress, option: "--web", sessionHours: 8, secureCookies: false, databaseName: "")
            // One HTTP server: the console serves /metrics, so the host opens no port of its own.
            settings.host.metricsPort = 0
        }
        let hostSettings = settings
        let summary = try await DatabaseEnvironment.withDatabase(as: .runHost, action: "runtime.run", logger: logger) { target, client in
            let plan = try await HostLauncher.prepare(mode: .paper, only: only, settings: hostSettings, catalog: catalog,
                                                      loader: PluginLoader(), target: target, client: client, logger: logger)
            let feed: any MarketDataFeed
            let liveFeed: OKXLiveFeed?
            if useSynthetic {
                let instruments = Array(Set(plan.subscriptions.compactMap { $0.instId })).sorted()
                let market = SyntheticMarket(instruments: try instruments.map { try InstrumentId(parsing: $0) },
                                             seed: 42, start: WallClock.now())
                feed = SyntheticFeed(market: market, steps: Int.max / 2, pacingNanoseconds: market.stepNanoseconds)
                liveFeed = nil
                logger.notice("SYNTHETIC market data: a seeded random walk, not OKX prices")
            } else {
                let okx = OKXLiveFeed(configuration: hostSettings.feed, subscriptions: plan.subscriptions, logger: logger,
                                      bookSnapshots: try BookSnapshotDownloader.forFeed(logger: logger))
                feed = okx
                liveFeed = okx
            }
            let metrics = HostMetrics()
            let session = HostSession(engine: plan.engine, persistence: plan.persistence, feed: feed, liveFeed: liveFeed,
                                      target: target, settings: hostSettings, strategies: plan.strategies,
                                      exitOnWedgedCallback: true, metrics: metrics, logger: logger)
            var console: (group: ServiceGroup, task: Task<Void, any Error>)?
            if let webAddress {
                try await ConsoleLaunch.checkLogin(client, identity: try await HostCoordination(client).loginRole())
                let configuration = try ConsoleLaunch.configuration(address: webAddress, option: "--web", sessionHours: 8,
                                                                    secureCookies: false, databaseName: target.description)
                let consoleLogger = Logger(label: "runtime.console")
                // The host owns SIGINT/SIGTERM; the console stops when the host has.
                let group = try ConsoleLaunch.service(configuration, client: client, metrics: metrics.registry, signals: [],
                                                      logger: consoleLogger)
                console = (group, Task { try await group.run() })
            }
            let summary = await session.run(duration: runFor)
            if let console {
                await console.group.triggerGracefulShutdown()
                _ = await console.task.result
            }
            await plan.releaseLocks()
            return summary
        }
        print("host stopped: \(summary.events) events, \(summary.orders) orders, \(summary.fills) fills, "
              + "\(summary.riskRejections) risk rejections; see `runtime status`")
    }
}
