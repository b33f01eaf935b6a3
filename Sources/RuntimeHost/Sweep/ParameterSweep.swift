import Analytics
import Foundation
import Logging
import MarketData
import Reports
import StrategyKit
import TradingCore

/// Replays one manifest over the same files once per combination of swept parameters, each in
/// its own engine (an engine is single-threaded; engines share nothing), several at a time,
/// nothing persisted unless asked (``run(logger:persistingInto:)``). A combination the
/// strategy's own validation refuses (e.g. slow ≤ fast) becomes a refused row with the
/// strategy's reason.
///
/// Deterministic: each combination's engine gets the run tag of its grid position, replays run
/// on event time, and results come back in grid order however the tasks interleave.
public struct ParameterSweep: Sendable {
    /// The manifest as written; each combination overrides some of its parameters.
    public var manifest: StrategyManifest
    /// The combinations to run.
    public var grid: SweepGrid
    /// The recordings replayed by every combination.
    public var files: [String]
    /// The host settings every engine is built with (as `runtime replay` builds its engine).
    public var settings: HostSettings
    /// The instruments' rules.
    public var catalog: InstrumentCatalog
    /// Where the plugins are looked for.
    public var pluginSearchPaths: [String]
    /// How many replays run at once (default: the machine's active processors).
    public var concurrency: Int

    /// Refuses a swept name that is not among the manifest's parameters (a typo would otherwise
    /// sweep nothing, or be refused once per combination).
    public init(manifest: StrategyManifest, grid: SweepGrid, files: [String], settings: HostSettings, catalog: InstrumentCatalog,
                pluginSearchPaths: [String], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) throws(SweepParameterError) {
        guard case .object(let known) = manifest.parameters else {
            throw SweepParameterError("--param: the manifest \(manifest.name) has no parameters to sweep")
        }
        for parameter in grid.parameters where known[parameter.name] == nil {
            throw SweepParameterError("--param \(parameter.name): \(manifest.name) has no parameter of that name (it has \(known.keys.sorted().joined(separator: ", ")))")
        }
        self.manifest = manifest
        self.grid = grid
        self.files = files
        self.settings = settings
        self.catalog = catalog
        self.pluginSearchPaths = pluginSearchPaths
        self.concurrency = max(1, concurrency)
    }

    /// The manifest with one combination's values.
    public func manifest(for combination: [SweepParameterValue]) -> StrategyManifest {
        var copy = manifest
        if case .object(var parameters) = copy.parameters {
            for value in combination { parameters[value.name] = SweepParameter.parameterValue(value.value) }
            copy.parameters = .object(parameters)
        }
        return copy
    }

    /// Runs every combination, persisting nothing; the results are in grid order.
    public func run(logger: Logger) async -> [SweepResult] {
        await runAll(logger: logger, persisted: [:], persistence: nil)
    }

    /// Runs every combination and writes each replay's rows into the database (mode=replay),
    /// under a strategies row of its own (status `backtesting`, named in each result's
    /// ``SweepResult/strategy``). Combinations the strategy refuses get no row and write
    /// nothing. Every row is created, in one transaction, before the first replay starts, so a
    /// refused operator or a failed creation leaves nothing behind. Results are in grid order.
    public func run(logger: Logger, persistingInto persistence: SweepPersistence) async throws -> [SweepResult] {
        let combinations = grid.combinations
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: pluginSearchPaths), instrument: { catalog[$0] })
        var accepted: [Int: StrategyManifest] = [:]
        for (index, combination) in combinations.enumerated() {
            let candidate = manifest(for: combination)
            // Refusals are found again (the same way) by the replay tasks, which report them.
            if (try? validator.validate(candidate)) != nil { accepted[index] = candidate }
        }
        guard !accepted.isEmpty else { return await runAll(logger: logger, persisted: [:], persistence: nil) }
        let swept = ParameterValue.object(Dictionary(grid.parameters.map { parameter in
            (parameter.name, ParameterValue.array(parameter.values.map { .string($0) }))
        }, uniquingKeysWith: { first, _ in first }))
        let details = ParameterValue.object([
            "manifest": .string(manifest.name.rawValue), "files": .array(files.map { .string($0) }),
            "combinations": .number(String(combinations.count)), "swept": swept,
        ])
        let created = try await persistence.createStrategies(accepted, base: manifest.name, sweep: details, catalog: catalog)
        var persisted: [Int: PersistedCombination] = [:]
        for (index, strategy) in created.strategies {
            persisted[index] = PersistedCombination(name: strategy.name, id: strategy.id,
                                                    runTag: SweepPersistence.runTag(tag: created.tag, index: index))
        }
        let results = await runAll(logger: logger, persisted: persisted, persistence: persistence)
        do {
            try await persistence.refreshRollups()
        } catch {
            // The rows are written; only the daily rollup lags until the next maintenance pass,
            // which is no reason to withhold the results.
            logger.warning("strategy_performance_daily not refreshed after the sweep: \(error); the next `runtime db maintain` refreshes it")
        }
        return results
    }

    /// Where one combination's rows go.
    struct PersistedCombination: Sendable {
        var name: StrategyName
        var id: UUID
        var runTag: String
    }

    private func runAll(logger: Logger, persisted: [Int: PersistedCombination], persistence: SweepPersistence?) async -> [SweepResult] {
        let combinations = grid.combinations
        var results = [SweepResult?](repeating: nil, count: combinations.count)
        await withTaskGroup(of: SweepResult.self) { group in
            var next = 0
            func startNext() {
                guard next < combinations.count else { return }
                let index = next
                next += 1
                let target = persistence.flatMap { persistence in persisted[index].map { (persistence, $0) } }
                group.addTask { await self.runOne(index: index, combination: combinations[index], persistTo: target, logger: logger) }
            }
            for _ in 0..<min(concurrency, combinations.count) { startNext() }
            for await result in group {
                results[result.index] = result
                startNext()
            }
        }
        return results.enumerated().map { index, result in
            result ?? SweepResult(index: index, parameters: combinations[index], outcome: .failed("not run"))
        }
    }

    /// One combination: validate with the strategy's own checks, then replay (persisted when
    /// `persistTo` names its strategies row).
    func runOne(index: Int, combination: [SweepParameterValue], persistTo: (SweepPersistence, PersistedCombination)? = nil,
                logger: Logger) async -> SweepResult {
        let catalog = self.catalog
        // A loader and validator per task: neither is shareable across threads, and a plugin
        // already loaded is only looked up again.
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: pluginSearchPaths), instrument: { catalog[$0] })
        var candidate = manifest(for: combination)
        // Persisted, the engine's strategy is the combination's own strategies row: its rows are
        // mapped to strategies.id by this name.
        if let (_, target) = persistTo { candidate.name = target.name }
        let validated: ValidatedManifest
        do throws(ManifestValidationFailure) {
            validated = try validator.validate(candidate)
        } catch {
            return SweepResult(index: index, parameters: combination,
                               outcome: .refused(error.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")))
        }
        var settings = self.settings
        var pipeline: PersistencePipeline?
        if let (persistence, target) = persistTo {
            // A configured order_id_tag would give every combination the same venue order ids
            // (trades.okx_order_id is UNIQUE): each combination's run tag names them instead.
            settings.paper.orderIdTag = ""
            let writers = PersistencePipeline(target: persistence.target, strategyIds: [target.name: target.id], mode: .replay,
                                              settings: settings.database, logger: logger)
            writers.writesMarketData = false
            writers.writesRiskAuditRows = false
            pipeline = writers
        }
        let strategyName = persistTo?.1.name.rawValue
        do {
            let strategy = try EngineStrategy(validated: validated)
            let engine = try HostLauncher.makeEngine(strategies: [strategy], mode: .replay, settings: settings,
                                                     runTag: persistTo?.1.runTag ?? "S\(index)", logger: logger)
            let collector = ReplayCollector(engine: engine)
            let writers = pipeline.map { pipeline in
                Task { [trading = pipeline.trading, market = pipeline.market] in await PersistencePipeline.run(trading, market) }
            }
            let played: Result<EngineSummary, RecordingError>
            do throws(RecordingError) {
                played = .success(try await ReplaySession.run(recordings: files, engine: engine, persistence: pipeline,
                                                              collector: collector, logger: logger))
            } catch {
                played = .failure(error)
            }
            // What was played before a bad line is still written, as `runtime replay` does.
            pipeline?.finish()
            await writers?.value
            let summary = try played.get()
            if let pipeline {
                let refused = pipeline.refusedRecords
                if refused > 0 {
                    return SweepResult(index: index, parameters: combination, outcome: .failed(
                        "\(refused) of its trading rows were refused by the database (the log says why); the others were written"),
                                       strategy: strategyName)
                }
            }
            let report = BacktestReport(title: "", facts: [], strategies: collector.sections(from: summary.firstEventTime,
                                                                                                to: summary.lastEventTime))
            return SweepResult(index: index, parameters: combination, outcome: .ran(report.total.statistics), strategy: strategyName)
        } catch {
            pipeline?.finish()
            return SweepResult(index: index, parameters: combination, outcome: .failed("\(error)"), strategy: strategyName)
        }
    }
}
