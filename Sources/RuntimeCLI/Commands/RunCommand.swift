import ArgumentParser
import Foundation
import History
import Logging
import MarketData
import OKXTrading
import OKXVenue
import RuntimeHost
import ServiceLifecycle
import Storage
import TradingCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the host: trade deployed strategies against the live OKX feed, on the paper venue, OKX demo trading, or live.",
        discussion: """
            Loads the deployed strategies and their plugins from the database, subscribes the OKX feed to what \
            they need (endpoints from config/runtime.yaml, OKX_WS_PUBLIC_URL / OKX_WS_BUSINESS_URL override), \
            and trades, persisting everything with the mode it trades in. SIGINT or SIGTERM stops it gracefully: \
            intake stops, the writers flush, the partial day is rolled up, the host is marked stopped.

            --paper (the default): the runtime's paper venue fills the orders against the feed's books.
            --demo: real orders on OKX's demo trading (simulated funds), with demo-trading keys from \
            OKX_DEMO_API_KEY, OKX_DEMO_API_SECRET, OKX_DEMO_API_PASSPHRASE or --credentials FILE. Before the \
            first order: OKX is reached, its clock compared, the keys checked against the environment, the \
            account's modes read, the dead-man switch (cancel-all-after) armed, and orders left open by an \
            earlier run looked up. OKX_REST_URL / OKX_WS_PRIVATE_URL override OKX's addresses.
            --live: the same with real money and live keys (OKX_API_KEY, ...): an admin only, strategies \
            deployed with `mode: live` only, after typing `live` at the prompt or with --yes-i-mean-live.
            """
    )

    @Flag(name: .long, help: "Trade on the runtime's paper venue (the default).")
    var paper = false

    @Flag(name: .long, help: "Trade on OKX's demo trading (real matching engine, simulated funds).")
    var demo = false

    @Flag(name: .long, help: "Trade on OKX with real money.")
    var live = false

    @Flag(name: .customLong("yes-i-mean-live"), help: "With --live: skip the typed confirmation (for supervisors and scripts).")
    var yesIMeanLive = false

    @Option(name: .long, help: "With --demo or --live: read the API keys from this file (NAME=value lines as in the environment; readable by its owner only, chmod 600).")
    var credentials: String?

    @Option(name: .long, help: "Only these deployed strategies (comma-separated names).")
    var strategies: String?

    @Flag(name: .long, help: "Use the seeded synthetic feed instead of OKX (clearly labelled SYNTHETIC).")
    var synthetic = false

    @Option(name: .long, parsing: .unconditional, help: "Stop after this long, e.g. 30s, 10m, 2h (default: until SIGINT/SIGTERM).")
    var duration: String?

    @Option(name: .long, help: "Also serve the operations console at HOST:PORT, e.g. 127.0.0.1:8080 (see `runtime web --help`); /metrics is then served there instead of on host.metrics_port.")
    var web: String?

    func validate() throws {
        guard [paper, demo, live].filter({ $0 }).count <= 1 else {
            throw ValidationError("--paper, --demo and --live: choose one")
        }
        if synthetic && (demo || live) {
            throw ValidationError("--synthetic: synthetic prices are for the paper venue only; OKX matches against its real book")
        }
        if yesIMeanLive && !live { throw ValidationError("--yes-i-mean-live: only with --live") }
        if credentials != nil && !(demo || live) { throw ValidationError("--credentials: only with --demo or --live") }
    }

    var mode: TradingMode { live ? .live : demo ? .demo : .paper }

    func run() async throws {
        let runFor = try duration.map(RecordCommand.parseDuration)
        let mode = self.mode
        let okx = try mode.tradesOnOKX ? OKXTradingLaunch(mode: mode, credentialsFile: credentials) : nil
        if mode == .live && !yesIMeanLive { try OKXTradingLaunch.confirmLive() }
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
        let summary = try await DatabaseEnvironment.withOperator(actingAs: DatabaseEnvironment.requestedUser(), logger: logger) { context in
            _ = try await context.authorize(.runHost, action: "runtime.run", resourceType: "runtime")
            if mode == .live { _ = try await context.authorize(.runLive, action: "runtime.run.live", resourceType: "runtime") }
            let target = context.target, client = context.client
            let exchange = OKXSessionBox()
            let plan: HostPlan
            do {
                plan = try await HostLauncher.prepare(mode: mode, only: only, settings: hostSettings, catalog: catalog,
                                                      loader: PluginLoader(), target: target, client: client,
                                                      venue: okx.map { okx in { restart in try await exchange.start(okx, restart, logger: logger) } },
                                                      logger: logger)
            } catch {
                await exchange.stop()
                throw error
            }
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
            await exchange.stop()
            await plan.releaseLocks()
            return summary
        }
        print("host stopped: \(summary.events) events, \(summary.orders) orders, \(summary.fills) fills, "
              + "\(summary.riskRejections) risk rejections; see `runtime status`")
    }
}
