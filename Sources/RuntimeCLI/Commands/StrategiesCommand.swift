import ArgumentParser
import Foundation
import Runtime
import StrategyKit

struct StrategiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategies",
        abstract: "List strategy manifests and whether each validates (plugin, parameters, instruments, limits)."
    )

    @Option(name: .long, help: "The directory holding NAME.yaml manifests.")
    var directory = "strategies"

    @Option(name: .long, help: "Plugin directories, colon-separated (default: $RUNTIME_PLUGIN_PATH, then the runtime executable's directory).")
    var pluginPath: String?

    @Option(name: .long, help: "The instruments catalog.")
    var instruments = "config/instruments.yaml"

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ValidationError("cannot list \(directory): \(error.localizedDescription)")
        }
        let catalog: InstrumentTable
        do {
            catalog = try InstrumentTable.load(path: instruments)
        } catch {
            throw ValidationError(error.description)
        }
        var files: [(source: String, text: String)] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            files.append((path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""))
        }
        let loader = PluginLoader(searchPaths: pluginPath.map { $0.split(separator: ":").map(String.init) })
        let validator = ManifestValidator(plugins: loader, instrument: { catalog.instrument($0) })
        let summaries = ManifestSummary.validateAll(files, validator: validator)

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
        print("\(summaries.filter(\.isValid).count) of \(summaries.count) manifests valid in \(directory)/ (deployed rows: see the database once deploy writes them)")
    }
}
