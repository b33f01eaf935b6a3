import Execution
import Foundation
import Logging
import MarketData
import Portfolio
import PostgresNIO
import Risk
import Storage
import StrategyKit
import TradingCore

/// Everything a host (live paper trading or replay) needs, built from the database alone: the
/// deployed strategies and their plugins, the positions and trading states they had, the engine,
/// and the persistence pipeline.
public struct HostPlan {
    public let engine: TradingEngine
    public let persistence: PersistencePipeline
    public let strategies: [StrategyName]
    /// What the live feed must subscribe: every strategy channel, plus a book for every traded
    /// instrument (the paper venue fills against it).
    public let subscriptions: [OKXSubscription]
    /// Holds the strategies' advisory locks for as long as the host runs (live mode).
    public let lockConnection: PostgresConnection?

    /// Before a persisted replay plays: the replay positions of the last one are superseded, so
    /// that the positions table shows this run's (its trades stay, told apart by their order ids).
    /// A replay that writes nothing must leave them alone.
    public func supersedeEarlierReplayPositions(client: PostgresClient) async throws {
        try await PositionRepository(client).deleteReplayPositions(of: Array(persistence.strategyIds.values))
    }

    /// Gives the strategies free for another host: unlocks explicitly (the server would only
    /// notice a closed connection a moment later), then closes the connection.
    public func releaseLocks() async {
        guard let lockConnection else { return }
        try? await HostCoordination(lockConnection).unlockAllStrategies()
        try? await lockConnection.close()
    }
}

/// Why a host could not start.
public enum HostLaunchError: Error, CustomStringConvertible {
    case notDeployed([String])
    /// Live trading runs only strategies deployed with `mode: live`.
    case notDeployedLive([StrategyName])
    case nothingToRun(String)
    case alreadyRunning([StrategyName])
    /// A persisted fee was charged in an asset that is neither the instrument's base nor its quote.
    case unexpectedCommissionAsset(strategy: StrategyName, instrument: InstrumentId, asset: String)

    public var description: String {
        switch self {
        case .notDeployed(let names):
            "not deployed: \(names.joined(separator: ", ")) (deploy with `runtime deploy strategies/NAME.yaml`; `runtime strategies` lists what is deployed)"
        case .notDeployedLive(let names):
            "not deployed for live trading: \(names.map(\.rawValue).joined(separator: ", ")) (live trading runs only strategies deployed with `mode: live`; "
                + "leave these out with --strategies, or redeploy them with mode: live after testing them in demo)"
        case .nothingToRun(let reason):
            "nothing to run: \(reason)"
        case .alreadyRunning(let names):
            "already running on another host: \(names.map(\.rawValue).joined(separator: ", ")) (a strategy runs on at most one host; stop the other host or leave these out with --strategies)"
        case .unexpectedCommissionAsset(let strategy, let instrument, let asset):
            "trades of \(strategy) on \(instrument) paid fees in \(asset), which is neither \(instrument.base) nor \(instrument.quote): "
                + "the positions cannot be restored with their fees (check trades.commission_asset)"
        }
    }
}

public enum HostLauncher {
    /// Builds the plan. `only` limits the strategies by name; except in a replay, the positions and
    /// trading states of the last run in the same mode are restored and each strategy is locked
    /// to this host.
    ///
    /// Demo and live trade on an exchange venue that `venue` starts, given the orders the database
    /// holds as not ended in that mode and the restored positions (it reconciles both with the
    /// exchange before it returns); paper and replay use the paper venue.
    public static func prepare(mode: TradingMode, only: [String]?, settings: HostSettings, catalog: InstrumentCatalog,
                               loader: PluginLoader, target: DatabaseTarget, client: PostgresClient,
                               venue startVenue: VenueStarter? = nil, logger: Logger) async throws -> HostPlan {
        precondition(mode.tradesOnOKX == (startVenue != nil), "demo and live need an exchange venue, paper and replay the paper venue")
        // One stored manifest that no longer validates (a plugin removed, an instrument delisted)
        // stops that strategy only: it is halted with a risk event and an audit row, and the host
        // runs the others. Named in --only, it stops the launch.
        var deployed: [DeployedStrategy] = []
        var everyName: [StrategyName] = []
        for result in try await DeployedStrategies.loadEach(session: client, loader: loader, catalog: catalog) {
            switch result {
            case .success(let strategy):
                deployed.append(strategy)
                everyName.append(strategy.name)
            case .failure(let failure):
                everyName.append(failure.name)
                if only?.contains(failure.name.rawValue) == true { throw DeployedStrategiesError(failures: [failure]) }
                logger.error("\(failure.description); the other strategies run")
                if mode != .replay { try await haltUnloadable(failure, mode: mode, client: client, logger: logger) }
            }
        }
        // The database's rollups and views value contract volume with these.
        try await InstrumentContractRepository(client).record(catalog.instruments)
        if let only {
            let known = Set(deployed.map(\.name.rawValue))
            let missing = only.filter { !known.contains($0) }
            guard missing.isEmpty else { throw HostLaunchError.notDeployed(missing) }
            deployed = deployed.filter { only.contains($0.name.rawValue) }
        }
        // Live and paper: stopped, archived and draft strategies do not run; halted and paused ones
        // load so that they keep their state (and their positions are marked) until an operator
        // acts. A replay is a simulation: every deployed strategy starts active in it, and what
        // happens to it there never changes its status.
        if mode != .replay {
            deployed = deployed.filter { $0.tradingState != nil && $0.tradingState != .stopped }
            // A strategy the watchdog halted because a callback never returned would wedge this
            // host again: it stays out until an admin resumes it.
            var wedged: Set<StrategyName> = []
            for strategy in deployed where strategy.status == .halted {
                if try await RiskEventRepository(client).latestHalt(strategyId: strategy.id)?.eventType == "callback_timeout" {
                    wedged.insert(strategy.name)
                    logger.warning("\(strategy.name) is halted because a callback never returned; not loaded until an admin resumes it")
                }
            }
            deployed = deployed.filter { !wedged.contains($0.name) }
        }
        guard !deployed.isEmpty else {
            throw HostLaunchError.nothingToRun("no deployed strategy is active, paused, reducing or halted")
        }
        if mode == .live {
            let notLive = deployed.filter { $0.validated.manifest.mode != .live }.map(\.name)
            guard notLive.isEmpty else { throw HostLaunchError.notDeployedLive(notLive) }
        }

        var lockConnection: PostgresConnection?
        if mode != .replay {
            let connection = try await target.connect(logger: logger)
            var refused: [StrategyName] = []
            for strategy in deployed where try await !HostCoordination(connection).tryLockStrategy(strategy.id) {
                refused.append(strategy.name)
            }
            guard refused.isEmpty else {
                try? await connection.close()
                throw HostLaunchError.alreadyRunning(refused)
            }
            lockConnection = connection
        }

        // Whatever fails from here (a venue that cannot start, a database error) gives the locks back.
        do {
            let ids = Dictionary(uniqueKeysWithValues: deployed.map { ($0.name, $0.id) })
            let names = Dictionary(uniqueKeysWithValues: deployed.map { ($0.id, $0.name) })
            // A replay starts flat (see ``HostPlan/supersedeEarlierReplayPositions(client:)``).
            let restored = mode == .replay ? [] : try await restoredPositions(client: client, mode: mode, names: names)
            // Live and paper: the risk monitors resume from the last run's equity marks and losing
            // streak, as the trading state does; a replay starts both fresh.
            var monitors: [UUID: MonitorState] = [:]
            if mode != .replay {
                monitors = try await restoredMonitors(client: client, mode: mode,
                                                      strategies: deployed.map { ($0.id, $0.validated.manifest.allocatedCapital) })
            }
            let engineStrategies = try deployed.map { strategy in
                try EngineStrategy(validated: strategy.validated,
                                   restoredRisk: StrategyRiskSnapshot(state: mode == .replay ? .active : strategy.tradingState ?? .active,
                                                                      monitors: monitors[strategy.id] ?? MonitorState()))
            }
            var runTagMilliseconds = WallClock.now().millisecondsSinceEpoch
            if mode.tradesOnOKX, let last = try await HostRepository(client).latestStart() {
                // OKX accepts an ended order's client id again, so ids must never repeat: a clock set
                // back must not give this run the tag of an earlier one (every host row is written
                // before its first order leaves).
                runTagMilliseconds = max(runTagMilliseconds, last.millisecondsSinceEpoch + 1)
            }
            let runTag = String(UInt64(runTagMilliseconds), radix: 36).uppercased()
            let engine: TradingEngine
            if let startVenue {
                let openOrders = try await openOrders(client: client, mode: mode, names: names)
                let prefixes = Set(everyName.map { TradingEngine.clientOrderIdPrefix($0, runTag: "") })
                let venue = try await startVenue(VenueRestart(openOrders: openOrders, positions: restored, clientOrderIdPrefixes: prefixes))
                engine = try makeEngine(strategies: engineStrategies, mode: mode, settings: settings, runTag: runTag,
                                        venue: venue, restoredPositions: restored, logger: logger)
                engine.restoreOpenOrders(openOrders)
            } else {
                engine = try makeEngine(strategies: engineStrategies, mode: mode, settings: settings, runTag: runTag,
                                        restoredPositions: restored, logger: logger)
            }
            if mode != .replay {
                let instruments = Dictionary(engineStrategies.flatMap(\.instruments).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                engine.restoreClosedTrades(try await closedTradesToday(client: client, mode: mode, names: names, instruments: instruments))
            }
            let persistence = PersistencePipeline(target: target, strategyIds: ids, mode: mode, settings: settings.database, logger: logger)
            if mode == .replay {
                // A replay of last year's data writes its trading records, not market rows that
                // retention would drop as they land: those are counted instead (ReplayReport).
                let now = WallClock.now()
                persistence.keepMarketRowsFrom = try await StorageMaintenance(client).retention().mapValues { retention in
                    now.advanced(byNanoseconds: -retention.wholeNanoseconds)
                }
            }
            return HostPlan(engine: engine, persistence: persistence,
                            strategies: engine.strategyNames, subscriptions: subscriptions(for: engineStrategies),
                            lockConnection: lockConnection)
        } catch {
            try? await lockConnection?.close()
            throw error
        }
    }

    /// The engine for `strategies` with the host's settings: one place, so that a sweep's
    /// replays run exactly what `runtime replay` runs. `runTag` makes order ids unique per run.
    /// `venue` nil: the paper venue of the host's settings.
    public static func makeEngine(strategies: [EngineStrategy], mode: TradingMode, settings: HostSettings, runTag: String,
                                  venue: (any ExecutionVenue)? = nil, restoredPositions: [PortfolioPositionRecord] = [],
                                  logger: Logger) throws -> TradingEngine {
        var instruments: [InstrumentId: Instrument] = [:]
        for strategy in strategies { for instrument in strategy.instruments { instruments[instrument.id] = instrument } }
        let sorted = instruments.values.sorted { $0.id < $1.id }
        return try TradingEngine(
            strategies: strategies, instruments: sorted,
            quality: settings.quality, accountLimits: settings.accountRisk,
            venue: venue ?? PaperVenue(instruments: sorted, configuration: settings.paper.venue(runTag: runTag), mode: mode),
            portfolio: settings.paper.portfolio, restoredPositions: restoredPositions,
            options: .init(mode: mode, runTag: runTag,
                           markIntervalNanoseconds: settings.host.markIntervalMilliseconds * 1_000_000,
                           callbackBudget: .milliseconds(settings.host.callbackBudgetMilliseconds)),
            logger: logger)
    }

    static func subscriptions(for strategies: [EngineStrategy]) -> [OKXSubscription] {
        var wanted = Set<String>()
        var result: [OKXSubscription] = []
        func add(_ channel: String, _ instrument: InstrumentId) {
            guard wanted.insert("\(channel)|\(instrument.symbol)").inserted else { return }
            result.append(OKXSubscription(channel: channel, instId: instrument.symbol))
        }
        for strategy in strategies {
            for instrument in strategy.instruments {
                for channel in strategy.channels { add(channel.name, instrument.id) }
                if !strategy.channels.contains(where: { if case .book = $0 { true } else { false } }) {
                    add(BookChannel.books5.rawValue, instrument.id)
                }
            }
        }
        return result
    }

    /// The positions of the last run in `mode`: per strategy and instrument, the row updated last
    /// (a one-way position that flipped sides leaves a flat row for the side it left), with the
    /// fees of every fill of that strategy and instrument in `mode`. The positions table has no fees
    /// column, but a position's fees are cumulative over its whole life, like its realized PnL,
    /// so they are the sum over the trades table, valued as ``Portfolio`` values them: a fee
    /// in the quote currency as charged, one in the base currency at its fill price.
    static func restoredPositions(client: PostgresClient, mode: TradingMode, names: [UUID: StrategyName]) async throws -> [PortfolioPositionRecord] {
        let rows = try await PositionRepository(client).positions(mode: mode)
        // A net position that flipped has a row per side, written in the same instant: the side it
        // left flat, the side it holds not. So the one row that holds something is the position;
        // when all are flat, the latest carries the latest realized PnL.
        var latest: [String: Storage.PositionRecord] = [:]
        for row in rows where names[row.strategyId] != nil {
            let key = "\(row.strategyId)|\(row.instrument.symbol)"
            if let existing = latest[key] {
                let existingHolds = !existing.quantity.isZero
                let rowHolds = !row.quantity.isZero
                if existingHolds && !rowHolds { continue }
                if existingHolds == rowHolds && existing.lastUpdated >= row.lastUpdated { continue }
            }
            latest[key] = row
        }
        var fees: [String: Money] = [:]
        for total in try await TradeRepository(client).commissionTotals(mode: mode) {
            guard let name = names[total.strategyId] else { continue }
            let instrument = total.instrument
            let inQuote: Money
            if total.asset == instrument.quote {
                inQuote = total.commission
            } else if total.asset == instrument.base {
                inQuote = total.valuedAtFillPrice
            } else {
                throw HostLaunchError.unexpectedCommissionAsset(strategy: name, instrument: instrument, asset: total.asset)
            }
            fees["\(total.strategyId)|\(instrument.symbol)", default: .zero] += inQuote
        }
        return latest.keys.sorted().compactMap { key in
            guard let row = latest[key], let name = names[row.strategyId] else { return nil }
            return PortfolioPositionRecord(
                strategy: name, symbol: row.instrument, positionSide: .net, side: row.side == .short ? .short : .long,
                quantity: row.quantity, avgEntryPrice: row.avgEntryPrice, currentPrice: row.currentPrice,
                unrealizedPnl: row.unrealizedPnl, realizedPnl: row.realizedPnl, fees: fees[key] ?? .zero, margin: row.margin,
                leverage: row.leverage ?? .one, liquidationPrice: row.liquidationPrice, openedAt: row.openedAt,
                lastUpdated: row.lastUpdated, mode: row.mode)
        }
    }

    /// What each strategy's post-trade risk monitors knew when the last host in `mode` stopped:
    /// the equity marks it kept in strategy_risk_monitors (peak equity for max_drawdown_pct, the
    /// day's opening equity for max_daily_loss) and the run of losing trades at the end of the
    /// trades table (max_consecutive_losses); marks taken with other allocated capital are moved
    /// by the difference. Without them a restart would forget a drawdown or a
    /// losing streak, and a strategy close to its limit could lose as much again.
    static func restoredMonitors(client: PostgresClient, mode: TradingMode,
                                 strategies: [(id: UUID, allocatedCapital: Money)]) async throws -> [UUID: MonitorState] {
        let rows = try await RiskMonitorRepository(client).monitors(mode: mode)
        let losses = try await TradeRepository(client).trailingLossRuns(mode: mode)
        var states: [UUID: MonitorState] = [:]
        for strategy in strategies {
            states[strategy.id] = RiskMonitorRecorder.state(from: rows.first { $0.strategyId == strategy.id },
                                                             allocatedCapital: strategy.allocatedCapital,
                                                             consecutiveLosses: losses[strategy.id] ?? 0)
        }
        return states
    }

    /// The orders in `mode` of the running strategies that completed today (UTC, by the wall clock,
    /// which is a trading host's event time) with some size filled, as the daily rollup counts them:
    /// a host restarted mid-day upserts the day's strategy_performance row again on its next
    /// rollup, and that row must count the trades of the run before as well.
    static func closedTradesToday(client: PostgresClient, mode: TradingMode, names: [UUID: StrategyName],
                                  instruments: [InstrumentId: Instrument]) async throws -> [ClosedTrade] {
        let today = UTCDate(containing: WallClock.now())
        return try await TradeRepository(client).completedTrades(mode: mode, completedFrom: today.start, to: today.end)
            .compactMap { trade in
                guard let name = names[trade.strategyId], let completedAt = trade.completedAt,
                      let average = trade.avgFillPrice else { return nil }
                return ClosedTrade(strategy: name, symbol: trade.instrument, completedAt: completedAt,
                                   filledQuantity: trade.filledQuantity, avgFillPrice: average, commission: trade.commission,
                                   commissionAsset: trade.commissionAsset ?? trade.instrument.quote,
                                   realizedPnl: trade.realizedPnl ?? .zero,
                                   contractValue: instruments[trade.instrument]?.contractValue?.value)
            }
    }
}

extension TradingEngine {
    /// Gives the daily rollup the trades that completed earlier today, before the first event
    /// (see ``DailyPerformanceTracker``). Equity samples are not persisted: the day's return,
    /// drawdown and Sharpe ratio start again from the first sample after the restart.
    func restoreClosedTrades(_ trades: [ClosedTrade]) {
        for trade in trades { _ = performance.record(trade) }
    }
}

extension HostLauncher {
    /// Halts a trading strategy whose stored manifest no longer validates. A strategy that is
    /// not trading (stopped, archived, draft) or already halted is left as it is.
    static func haltUnloadable(_ failure: DeployedStrategyFailure, mode: TradingMode, client: PostgresClient, logger: Logger) async throws {
        guard let state = StrategyStatusMapping.tradingState(failure.status), state != .stopped, failure.status != .halted else { return }
        try await haltFromHost(failure.id, name: failure.name, previous: failure.status, eventType: "manifest_invalid",
                               reason: "the stored manifest no longer validates: " + failure.errors.map(\.description).joined(separator: "; "),
                               mode: mode, client: client, logger: logger)
    }

    /// The host halts a strategy on its own authority, in one transaction: its status, a critical
    /// risk event of `eventType` saying why, and an audit row (no user: the host).
    static func haltFromHost(_ id: UUID, name: StrategyName, previous: StrategyStatus?, eventType: String, reason: String,
                             mode: TradingMode, client: PostgresClient, logger: Logger) async throws {
        let now = Timestamp.wallClockNow
        try await Transaction.run(client, logger: logger) { connection in
            try await StrategyRepository(connection).setStatus(.halted, id: id)
            _ = try await RiskEventRepository(connection).insert(RiskEventRecord(
                eventType: eventType, severity: .critical, strategyId: id, description: "halted by the host: \(reason)",
                actionTaken: "halted", createdAt: now, mode: mode))
            _ = try await AuditLogRepository(connection).insert(AuditLogRecord(
                userId: nil, action: "strategy.halt", resourceType: "strategy", resourceId: String(name.rawValue.prefix(100)),
                oldValue: previous.map { ParameterValue.object(["status": .string($0.rawValue)]).jsonText },
                newValue: ParameterValue.object(["status": .string(StrategyStatus.halted.rawValue), "by": .string("host"),
                                                 "reason": .string(reason)]).jsonText,
                createdAt: now))
            try await NotificationChannel.strategyControl.notify(name.rawValue, on: connection)
        }
    }
}
