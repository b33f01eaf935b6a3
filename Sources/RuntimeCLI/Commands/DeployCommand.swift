import ArgumentParser
import Foundation
import RuntimeHost
import Storage
import StrategyKit

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Validate a strategy manifest and deploy it (--dry-run validates only).",
        discussion: """
            Checks the schema, loads the plugin (lib<plugin>.so from the plugin search path), checks the strategy type is \
            registered, decodes the parameters into the strategy's Parameters type, checks the instruments exist in the \
            instruments catalog and the risk limits are sane. Nothing is written unless every check passes; a refused \
            manifest only leaves an audit_logs row (success = false) naming the fields. Then, in one transaction, the \
            strategies row is inserted or updated (a changed manifest gets a new version: its own when higher, else the \
            deployed one with the patch number bumped) with the whole manifest, an audit_logs row records the acting user \
            and the old and new manifest, and a running host is notified. The acting user needs role trader or admin.
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

    @OptionGroup var actingUser: ActingUserOption

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let text: String
        do {
            text = try SafeYAML.text(ofFile: manifest)
        } catch {
            throw ValidationError(error.reason)
        }
        let catalog: InstrumentCatalog
        do {
            catalog = try InstrumentCatalog.load(contentsOf: URL(fileURLWithPath: instruments))
        } catch {
            throw ValidationError(error.description)
        }
        guard dryRun else {
            try await deployToDatabase(text: text, catalog: catalog)
            return
        }
        let loader = PluginLoader(searchPaths: pluginPath.map { $0.split(separator: ":").map(String.init) })
        let deployer = StrategyDeployer(plugins: loader, instrument: { catalog[$0] })
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
                if let bars = manifest.bars { print("  bars        \(bars)") }
                print("  capital     \(manifest.allocatedCapital)")
                print("  limits      \(manifest.riskLimits.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))")
                print("  would       \(plan.action.rawValue) the strategies row and write an audit_logs row as \(actingUser.actingAs ?? "you")")
            }
        } catch let failure as ManifestValidationFailure {
            throw Self.refuse(failure, json: json, headline: "\(manifest): refused, nothing written")
        }
    }

    /// Prints a manifest's refusal (every field and reason; as JSON with --json) and gives the exit code.
    private static func refuse(_ failure: ManifestValidationFailure, json: Bool, headline: String) -> ExitCode {
        if json {
            print(ParameterValue.object([
                "valid": .bool(false),
                "errors": .array(failure.errors.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) }),
            ]).jsonText)
        } else {
            FileHandle.standardError.write(Data("\(headline)\n\(failure.description)\n".utf8))
        }
        return ExitCode(2)
    }


    /// Authorizes the acting user, validates against what is deployed, writes (or records the refusal).
    private func deployToDatabase(text: String, catalog: InstrumentCatalog) async throws {
        let source = manifest
        let searchPaths = pluginPath.map { $0.split(separator: ":").map(String.init) }
        let json = json
        let actingAs = actingUser.actingAs
        // The host loads plugins from its own search path: a library found only under
        // --plugin-path would deploy fine and then fail to load in the host.
        if let searchPaths, let name = try? ManifestParser.parse(text, source: source).plugin {
            let here = PluginLoader(searchPaths: searchPaths).libraryPath(for: name)
            let host = PluginLoader().libraryPath(for: name)
            if let here, here != host {
                throw ValidationError("""
                    --plugin-path: \(here) is not the library the host would load (\(host ?? "none found in \(PluginLoader().searchPaths.joined(separator: ":"))")); \
                    install it there or run the host with RUNTIME_PLUGIN_PATH including its folder, then deploy without --plugin-path \
                    (--dry-run may use any path)
                    """)
            }
        }
        try await OperatorCLI.run {
            try await DatabaseEnvironment.withOperator(actingAs: actingAs) { context in
                let client = context.client
                let resource = (try? ManifestParser.parse(text, source: source).name.rawValue) ?? source
                let acting = try await context.authorize(.deploy, action: DatabaseDeploymentStore.auditAction, resourceType: "strategy",
                                                         resourceId: resource, request: .object(["source": .string(source)]))
                let store = DatabaseDeploymentStore(client: client)
                let deployer = StrategyDeployer(plugins: PluginLoader(searchPaths: searchPaths), instrument: { catalog[$0] })
                do {
                    let plan = try await deployer.deploy(yaml: text, source: source, store: store, actingUser: acting)
                    let deployed = try await StrategyRepository(client).deployment(named: plan.manifest.name)
                    if json {
                        print(ParameterValue.object([
                            "valid": .bool(true), "action": .string(plan.action.rawValue), "version": .string(plan.manifest.version),
                            "previous_version": plan.previousVersion.map { .string($0) } ?? .null,
                            "status": deployed.map { .string($0.status.rawValue) } ?? .null,
                            "id": deployed.map { .string($0.id.uuidString.lowercased()) } ?? .null, "manifest": plan.newValue,
                        ]).jsonText)
                    } else {
                        let name = plan.manifest.name
                        switch plan.action {
                        case .create: print("deployed \(name) \(plan.manifest.version) as \(acting.username)")
                        case .update: print("updated \(name) \(plan.previousVersion ?? "?") -> \(plan.manifest.version) as \(acting.username)")
                        case .unchanged: print("\(name) \(plan.manifest.version) is already deployed as written; nothing changed")
                        }
                        if let deployed { print("  status \(deployed.status.rawValue), id \(deployed.id.uuidString.lowercased())") }
                    }
                } catch let failure as ManifestValidationFailure {
                    throw Self.refuse(failure, json: json, headline: "\(source): refused, nothing deployed (the refusal is in audit_logs)")
                }
            }
        }
    }
}

