import Analytics
import Foundation
import Logging
import MarketData
import Reports
import StrategyKit
import TradingCore

/// Replays one manifest over the same files once per combination of swept parameters, each in
/// its own engine (an engine is single-threaded; engines share nothing), several at a time, and
/// nothing persisted. A combination the strategy's own validation refuses (e.g. slow ≤ fast)
/// becomes a refused row with the strategy's reason.
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

    /// Runs every combination; the results are in grid order.
    public func run(logger: Logger) async -> [SweepResult] {
        let combinations = grid.combinations
        var results = [SweepResult?](repeating: nil, count: combinations.count)
        await withTaskGroup(of: SweepResult.self) { group in
            var next = 0
            func startNext() {
                guard next < combinations.count else { return }
                let index = next
                next += 1
                group.addTask { await self.runOne(index: index, combination: combinations[index], logger: logger) }
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

    /// One combination: validate with the strategy's own checks, then replay.
    func runOne(index: Int, combination: [SweepParameterValue], logger: Logger) async -> SweepResult {
        let catalog = self.catalog
        // A loader and validator per task: neither is shareable across threads, and a plugin
        // already loaded is only looked up again.
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: pluginSearchPaths), instrument: { catalog[$0] })
        let validated: ValidatedManifest
        do throws(ManifestValidationFailure) {
            validated = try validator.validate(manifest(for: combination))
        } catch {
            return SweepResult(index: index, parameters: combination,
                               outcome: .refused(error.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")))
        }
        do {
            let strategy = try EngineStrategy(validated: validated)
            let engine = try HostLauncher.makeEngine(strategies: [strategy], mode: .replay, settings: settings,
                                                     runTag: "S\(index)", logger: logger)
            let collector = ReplayCollector(engine: engine)
            let summary = try await ReplaySession.run(recordings: files, engine: engine, persistence: nil, collector: collector,
                                                      logger: logger)
            let report = BacktestReport(title: "", facts: [], strategies: collector.sections(from: summary.firstEventTime,
                                                                                                to: summary.lastEventTime))
            return SweepResult(index: index, parameters: combination, outcome: .ran(report.total.statistics))
        } catch {
            return SweepResult(index: index, parameters: combination, outcome: .failed("\(error)"))
        }
    }
}
