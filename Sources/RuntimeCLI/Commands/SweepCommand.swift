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

    @Option(name: .long, help: "Replays at once (default: the machine's active processors).")
    var jobs: Int?

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
        let results = sortKey.rank(await sweep.run(logger: logger))
        let names = grid.parameters.map(\.name)
        if let reportFile {
            let facts = ["Manifest: \(manifest) (\(parsed.name))", "Files: \(files.joined(separator: ", "))",
                         "\(grid.combinations.count) combinations, ranked by \(sortKey.rawValue); replays on event time, not persisted"]
            try reportFile.write(SweepHTMLReport.render(title: "Sweep of \(parsed.name)", facts: facts, parameterNames: names, results: results))
        }
        if json {
            print(try JSONOutput.render(results.enumerated().map { SweepRow(rank: $0.offset + 1, result: $0.element) }))
        } else {
            print(Self.table(results, names: names))
            let refused = results.filter { if case .refused = $0.outcome { true } else { false } }.count
            print("\(results.count) combinations, \(results.count - refused) replayed, \(refused) refused by the strategy; ranked by \(sortKey.rawValue)")
        }
        if results.contains(where: { if case .failed = $0.outcome { true } else { false } }) {
            throw ExitCode(1)
        }
    }

    static func table(_ results: [SweepResult], names: [String]) -> String {
        var table = TextTable()
        table.headers = ["rank"] + names + ["trades", "net_pnl", "sharpe", "max_drawdown", "win_rate", "status"]
        for (rank, result) in results.enumerated() {
            var row = ["\(rank + 1)"] + names.map { name in result.parameters.first { $0.name == name }?.value ?? "" }
            switch result.outcome {
            case .ran(let s):
                row += ["\(s.trades)", String(format: "%.2f", s.netPnl.value.doubleValue), s.sharpe.map { String(format: "%.2f", $0) } ?? "-",
                        String(format: "%.2f%%", s.maxDrawdown * 100), s.winRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-", "ok"]
            case .refused(let reason):
                row += ["", "", "", "", "", "refused: \(reason)"]
            case .failed(let reason):
                row += ["", "", "", "", "", "failed: \(reason)"]
            }
            table.add(row: row)
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

    init(rank: Int, result: SweepResult) {
        self.rank = rank
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
