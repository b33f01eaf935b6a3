import ArgumentParser
import Foundation
import Runtime
import StrategyKit

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Validate a strategy manifest and deploy it (--dry-run validates only).",
        discussion: """
            Checks the schema, loads the plugin (lib<plugin>.so from the plugin search path), checks the strategy type is \
            registered, decodes the parameters into the strategy's Parameters type, checks the instruments exist in the \
            instruments catalog and the risk limits are sane. Nothing is written unless every check passes.
            """
    )

    @Argument(help: "The manifest file, e.g. strategies/sma_crossover.yaml.")
    var manifest: String

    @Flag(name: .long, help: "Validate only; write nothing.")
    var dryRun = false

    @Option(name: .long, help: "Plugin directories, colon-separated (default: $RUNTIME_PLUGIN_PATH, then the runtime executable's directory).")
    var pluginPath: String?

    @Option(name: .long, help: "The instruments catalog.")
    var instruments = "config/instruments.yaml"

    @Option(name: .long, help: "The acting user recorded in audit_logs (default: $USER).")
    var user: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let text: String
        do {
            text = try String(contentsOfFile: manifest, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(manifest): \(error.localizedDescription)")
        }
        let catalog: InstrumentCatalog
        do {
            catalog = try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: instruments))
        } catch {
            throw ValidationError(error.description)
        }
        let loader = PluginLoader(searchPaths: pluginPath.map { $0.split(separator: ":").map(String.init) })
        let deployer = StrategyDeployer(plugins: loader, instrument: { catalog[$0] })

        guard dryRun else {
            // The database write is one call, wired when the Storage-backed store lands:
            //   let store: any StrategyDeploymentStore = <Storage's strategies/audit_logs repository>
            //   let plan = try await deployer.deploy(yaml: text, source: manifest, store: store, actingUser: actingUser)
            throw NotImplementedYet(command: "deploy (without --dry-run: the database write)", issue: 6)
        }
        do {
            let (validated, plan) = try await deployer.plan(yaml: text, source: manifest, store: nil)
            let manifest = validated.manifest
            if json {
                print(ParameterValue.object([
                    "valid": .bool(true), "action": .string(plan.action.rawValue), "plugin_path": .string(validated.pluginPath),
                    "manifest": plan.newValue,
                ]).jsonText)
            } else {
                print("\(self.manifest): valid (dry run, nothing written)")
                print("  strategy    \(manifest.name) = \(manifest.plugin).\(manifest.strategy) \(manifest.version) [\(manifest.mode.rawValue)]")
                print("  plugin      \(validated.pluginPath)")
                print("  instruments \(manifest.instruments.map(\.symbol).joined(separator: ", "))")
                print("  channels    \(manifest.channels.map(\.name).joined(separator: ", "))")
                print("  capital     \(manifest.allocatedCapital)")
                print("  limits      \(manifest.riskLimits.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))")
                print("  would       \(plan.action.rawValue) the strategies row and write an audit_logs row as \(actingUser)")
            }
        } catch let failure as ManifestValidationFailure {
            if json {
                print(ParameterValue.object([
                    "valid": .bool(false),
                    "errors": .array(failure.errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) }),
                ]).jsonText)
            } else {
                FileHandle.standardError.write(Data("\(manifest): refused, nothing written\n\(failure.description)\n".utf8))
            }
            throw ExitCode(2)
        }
    }

    private var actingUser: String { user ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown" }
}

