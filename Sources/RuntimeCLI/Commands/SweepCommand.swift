import Analytics
import ArgumentParser
import Foundation
import Logging
import Reports
import RuntimeHost
import StrategyKit

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Replay a manifest over recorded data once per combination of parameter values, and rank the results.",
        discussion: """
            Every combination of the --param values is replayed in its own engine, several at a time (one per \
            active processor), on event time and without touching the database; the same command prints the same \
            table. A combination the strategy refuses (e.g. slow_period <= fast_period) is listed as refused with \
            the strategy's reason. At most \(SweepGrid.maximumCombinations) combinations, \(SweepParameter.maximumValues) values per parameter.

            With --persist, each combination that runs writes its trades, positions, risk events and performance \
            (mode=replay) to the database under a strategies row of its own, status backtesting, named \
            <manifest name>_<sweep tag>_<combination index> (the STRATEGY column; `runtime trades --strategy NAME` \
            and `runtime positions` show them). Market data is not written (every combination replays the same). \
            Needs the permissions to replay and to deploy (admin, trader).
            """
    )

    @Argument(help: "The strategy manifest (YAML) to sweep; it need not be deployed.")
    var manifest: String

    @Argument(help: "Recording or raw-frame files (JSONL), as `runtime replay` takes them.")
    var files: [String]

    @Option(name: .customLong("param"), help: ArgumentHelp(
        "A parameter and its values: name=a,b,c or name=lo..hi:step (integers or decimals). Repeat for each parameter.",
        valueName: "name=values"))
    var parameters: [String] = []

    @Option(name: .long, help: "Rank by sharpe (highest first), net_pnl (highest first) or max_drawdown (smallest first).")
    var sort: String = SweepSortKey.sharpe.rawValue

    @Flag(name: .long, help: "Print the ranked results as JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write the ranked table as a self-contained HTML page.", valueName: "out.html"))
    var report: String?

    @Option(name: .long, parsing: .unconditional, help: "Replays at once (default: the machine's active processors).")
    var jobs: Int?

    @Flag(name: .long, help: "Write each combination's replay rows to the database, under a backtesting strategy of its own.")
    var persist = false

    func run() async throws {
        guard let sortKey = SweepSortKey(rawValue: sort) else {
            throw ValidationError("--sort must be one of \(SweepSortKey.allCases.map(\.rawValue).joined(separator: ", ")), not '\(sort)'")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        let reportFile = try report.map { try ReportFile(checking: $0) }
        let grid: SweepGrid
        do {
            grid = try SweepGrid(try parameters.map { text throws(SweepParameterError) in try SweepParameter(parsing: text) })
        } catch {
            throw ValidationError(error.description)
        }
        let manifestText: String
        do {
            manifestText = try String(contentsOfFile: manifest, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read the manifest \(manifest): \(error.localizedDescription)")
        }
        let parsed: StrategyManifest
        do {
            parsed = try ManifestParser.parse(manifestText, source: manifest)
        } catch {
            throw ValidationError(error.description)
        }
        try RecordingFiles.check(files)
        let settings = try HostSettings.load()
        let catalog = try InstrumentCatalog.load(contentsOf: ProjectPaths.instruments)
        let sweep: ParameterSweep
        do {
            sweep = try ParameterSweep(manifest: parsed, grid: grid, files: files, settings: settings, catalog: catalog,
                                       pluginSearchPaths: PluginLoader.defaultSearchPaths(),
                                       concurrency: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            throw ValidationError(error.description)
        }
        var logger = Logger(label: "runtime.sweep")
        // One replay per combination: the strategies' per-run notices would drown the table.
        logger.logLevel = .warning
        let results = sortKey.rank(persist ? try await Self.runPersisted(sweep, logger: logger) : await sweep.run(logger: logger))
        let names = grid.parameters.map(\.name)
        if let reportFile {
            let facts = ["Manifest: \(manifest) (\(parsed.name))", "Files: \(files.joined(separator: ", "))",
                         "\(grid.combinations.count) combinations, ranked by \(sortKey.rawValue); replays on event time, "
                            + (persist ? "persisted (mode=replay) under the strategies named in the table" : "not persisted")]
            try reportFile.write(SweepHTMLReport.render(title: "Sweep of \(parsed.name)", facts: facts, parameterNames: names, results: results))
        }
        if json {
            print(try JSONOutput.render(results.enumerated().map { SweepRow(rank: $0.offset + 1, result: $0.element) }))
        } else {
            print(Self.table(results, names: names, persisted: persist))
            let refused = results.filter { if case .refused = $0.outcome { true } else { false } }.count
            print("\(results.count) combinations, \(results.count - refused) replayed, \(refused) refused by the strategy; ranked by \(sortKey.rawValue)")
            let written = results.compactMap(\.strategy)
            if persist {
                print(written.isEmpty ? "nothing written: every combination was refused"
                      : "rows written with mode=replay under \(written.count) backtesting strateg\(written.count == 1 ? "y" : "ies") "
                        + "(column STRATEGY); see them with `runtime trades --strategy NAME` and `runtime positions`")
            }
        }
        if results.contains(where: { if case .failed = $0.outcome { true } else { false } }) {
            throw ExitCode(1)
        }
        // Some refusals are expected of a grid (slow <= fast); a grid the strategy refuses whole is a mistake.
        if results.allSatisfy({ if case .refused = $0.outcome { true } else { false } }) {
            throw CommandFailure.exit("sweep", "the strategy refused every combination; nothing was replayed")
        }
    }

    /// The persisted sweep: authorized as a replay (a refusal is audited and exits 1, nothing
    /// written), then every combination's strategies row, its replay rows, and the rollups.
    static func runPersisted(_ sweep: ParameterSweep, logger: Logger) async throws -> [SweepResult] {
        try await OperatorCLI.runReturning {
            try await DatabaseEnvironment.withOperator(actingAs: DatabaseEnvironment.requestedUser(), logger: logger) { context in
                let resource = sweep.manifest.name.rawValue
                // A sweep's rows are replay rows under strategies rows of its own: the permission to
                // replay, and to define strategies (the database checks both again, migration 017).
                let user = try await context.authorize(.replay, action: "runtime.sweep", resourceType: "strategy", resourceId: resource)
                _ = try await context.authorize(.deploy, action: "runtime.sweep", resourceType: "strategy", resourceId: resource)
                return try await sweep.run(logger: logger, persistingInto: SweepPersistence(target: context.target, client: context.client,
                                                                                          user: user, logger: logger))
            }
        }
    }

    /// The ranked table; persisted, a STRATEGY column (before the status, which may be long)
    /// names where each combination's rows went.
    static func table(_ results: [SweepResult], names: [String], persisted: Bool = false) -> String {
        var table = TextTable()
        table.headers = ["rank"] + names + ["trades", "net_pnl", "sharpe", "max_drawdown", "win_rate"]
            + (persisted ? ["strategy"] : []) + ["status"]
        for (rank, result) in results.enumerated() {
            var row = ["\(rank + 1)"] + names.map { name in result.parameters.first { $0.name == name }?.value ?? "" }
            let status: String
            switch result.outcome {
            case .ran(let s):
                row += ["\(s.trades)", String(format: "%.2f", s.netPnl.value.doubleValue), s.sharpe.map { String(format: "%.2f", $0) } ?? "-",
                        String(format: "%.2f%%", s.maxDrawdown * 100), s.winRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"]
                status = "ok"
            case .refused(let reason):
                row += ["", "", "", "", ""]
                status = "refused: \(reason)"
            case .failed(let reason):
                row += ["", "", "", "", ""]
                status = "failed: \(reason)"
            }
            if persisted { row.append(result.strategy ?? "-") }
            table.add(row: row + [status])
        }
        return table.render()
    }
}

/// One `runtime sweep --json` row.
struct SweepRow: Encodable {
    var rank: Int
    var parameters: [String: String]
    var status: String
    var reason: String?
    var statistics: PerformanceStatistics?
    /// The strategies.name its rows were written under (`--persist`); absent otherwise.
    var strategy: String?

    init(rank: Int, result: SweepResult) {
        self.rank = rank
        strategy = result.strategy
        parameters = Dictionary(result.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        switch result.outcome {
        case .ran(let statistics):
            status = "ran"
            self.statistics = statistics
        case .refused(let why):
            status = "refused"
            reason = why
        case .failed(let why):
            status = "failed"
            reason = why
        }
    }
}
