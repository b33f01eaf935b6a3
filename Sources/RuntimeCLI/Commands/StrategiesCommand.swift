import ArgumentParser
import Foundation
import RuntimeHost
import Storage
import StrategyKit

struct StrategiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategies",
        abstract: "List the deployed strategies (from the database) with status and mode; --files validates manifest files instead."
    )

    @Flag(name: .customLong("files"), help: "List the manifest files in --directory and whether each validates, instead of the database.")
    var manifestFiles = false

    @Option(name: .long, help: "The directory holding NAME.yaml manifests.")
    var directory = "strategies"

    @Option(name: .long, help: "Plugin directories, colon-separated (default: $RUNTIME_PLUGIN_PATH, then the runtime executable's directory).")
    var pluginPath: String?

    @Option(name: .long, help: "The instruments catalog.")
    var instruments = "config/instruments.yaml"

    @Flag(name: .long, help: "Also list the strategies in status backtesting (one per combination of each `runtime sweep --persist`), hidden by default.")
    var backtesting = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        guard manifestFiles else {
            try await listDeployed()
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ValidationError("cannot list \(directory): \(error.localizedDescription)")
        }
        let catalog: InstrumentCatalog
        do {
            catalog = try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: instruments))
        } catch {
            throw ValidationError(error.description)
        }
        var files: [(source: String, text: String)] = []
        var unreadable: [ManifestSummary] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                files.append((path, try SafeYAML.text(ofFile: path)))
            } catch {
                unreadable.append(ManifestSummary(source: path, manifest: nil, errors: [ManifestError(field: error.field, reason: error.reason)]))
            }
        }
        let loader = PluginLoader(searchPaths: pluginPath.map { $0.split(separator: ":").map(String.init) })
        let validator = ManifestValidator(plugins: loader, instrument: { catalog[$0] })
        let summaries = (ManifestSummary.validateAll(files, validator: validator) + unreadable).sorted { $0.source < $1.source }

        if json {
            print(ParameterValue.array(summaries.map(\.json)).jsonText)
            return
        }
        let header = ["NAME", "PLUGIN.STRATEGY", "VERSION", "MODE", "INSTRUMENTS", "CAPITAL", "STATUS"]
        var rows: [[String]] = []
        for summary in summaries {
            let manifest = summary.manifest
            rows.append([
                manifest?.name.rawValue ?? "?", manifest.map { "\($0.plugin).\($0.strategy)" } ?? "?",
                manifest?.version ?? "?", manifest?.mode.rawValue ?? "?",
                manifest?.instruments.map(\.symbol).joined(separator: ",") ?? "?",
                manifest?.allocatedCapital.description ?? "?",
                summary.isValid ? "valid" : "INVALID: \(summary.errors.first.map(\.description) ?? "")",
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        print("\(summaries.filter(\.isValid).count) of \(summaries.count) manifests valid in \(directory)/ (`runtime strategies` without --files lists what is deployed)")
    }

    /// The strategies table: what the host would run.
    private func listDeployed() async throws {
        let json = json, backtesting = backtesting
        try await OperatorCLI.run {
            try await DatabaseEnvironment.withDatabase(as: .read, action: "view.strategies") { _, client in
                let all = try await StrategyRepository(client).deployments()
                // A persisted sweep leaves a row per combination: they would bury what hosts run.
                let rows = backtesting ? all : all.filter { $0.status != .backtesting }
                let hidden = all.count - rows.count
                let listed = rows.map { row -> (StrategyDeploymentRecord, StrategyManifest?) in
                    (row, row.manifest.flatMap { try? ManifestParser.parse($0, source: "strategies row \(row.name)") })
                }
                if json {
                    print(ParameterValue.array(listed.map { row, manifest in
                        .object([
                            "id": .string(row.id.uuidString.lowercased()), "name": .string(row.name.rawValue),
                            "plugin": row.plugin.map { .string($0) } ?? .null, "strategy": .string(row.strategyType),
                            "version": .string(row.version), "status": .string(row.status.rawValue),
                            "mode": manifest.map { .string($0.mode.rawValue) } ?? .null,
                            "instruments": .array(row.symbols.map { .string($0) }),
                            "channels": manifest.map { .array($0.channels.map { .string($0.name) }) } ?? .null,
                            "allocated_capital": .string(row.allocatedCapital.description), "created_by": row.createdBy.map { .string($0) } ?? .null,
                            "deployed_at": row.deployedAt.map { .string(OperatorCLI.time($0)) } ?? .null,
                            "updated_at": .string(OperatorCLI.time(row.updatedAt)),
                        ])
                    }).jsonText)
                    return
                }
                var table = TextTable("NAME", "PLUGIN.STRATEGY", "VERSION", "STATUS", "MODE", "INSTRUMENTS", "CAPITAL", "DEPLOYED (UTC)", "BY")
                for (row, manifest) in listed {
                    table.add(row.name.rawValue, "\(row.plugin ?? "?").\(row.strategyType)", row.version, row.status.rawValue,
                              manifest?.mode.rawValue ?? "-", row.symbols.joined(separator: ","), row.allocatedCapital.description,
                              OperatorCLI.time(row.deployedAt), row.createdBy ?? "-")
                }
                print(table.render())
                print(rows.isEmpty ? "nothing deployed yet: `runtime deploy strategies/NAME.yaml` deploys a manifest"
                                   : "\(rows.count) strateg\(rows.count == 1 ? "y" : "ies") deployed")
                if hidden > 0 {
                    print(StatusReport.backtestingLeftOut(hidden) + ": --backtesting lists them")
                }
            }
        }
    }
}
