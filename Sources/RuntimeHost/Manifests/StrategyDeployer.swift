import StrategyKit
import TradingCore

/// The database side of a deployment: implemented over Storage (strategies and audit_logs
/// tables). Kept as a protocol so validation needs no database and tests can use a real one.
public protocol StrategyDeploymentStore {
    /// The deployed strategy named `name`, if any.
    func deployedStrategy(named name: StrategyName) async throws -> DeployedStrategyRow?
    /// Upserts the strategies row for `plan` and writes its audit_logs row (old and new values,
    /// acting user) in one transaction.
    func apply(_ plan: DeploymentPlan, actingUser: ActingUser) async throws
    /// Writes an audit_logs row for a refused deployment (success = false, the errors as
    /// error_message); changes nothing else.
    func recordRefusal(manifestName: String?, source: String, errors: [ManifestError], actingUser: ActingUser) async throws
}

/// A deployed strategy as the store returns it.
public struct DeployedStrategyRow: Hashable, Sendable {
    /// The plugin, type and version deployed.
    public var summary: DeployedStrategySummary
    /// The deployed manifest as JSON (what audit_logs.old_value records).
    public var manifestJSON: ParameterValue

    /// Creates a row.
    public init(summary: DeployedStrategySummary, manifestJSON: ParameterValue) {
        self.summary = summary
        self.manifestJSON = manifestJSON
    }
}

/// What a deployment will write: computed from the validated manifest and the deployed row, before
/// any write.
public struct DeploymentPlan: Hashable, Sendable {
    /// What the deployment does.
    public enum Action: String, Hashable, Sendable {
        /// No strategy of this name yet: insert.
        case create
        /// The manifest changed: update, with the version bumped if the manifest did not.
        case update
        /// Identical to what is deployed: nothing to write (an audit row may still record the attempt).
        case unchanged
    }

    /// What the deployment does.
    public var action: Action
    /// The manifest (its `version` is the version to store).
    public var manifest: StrategyManifest
    /// The deployed version before, if any.
    public var previousVersion: String?
    /// The deployed manifest before, as JSON (audit_logs.old_value).
    public var oldValue: ParameterValue?
    /// The manifest to store, as JSON (audit_logs.new_value).
    public var newValue: ParameterValue { manifest.json }

    /// Plans the deployment of `manifest` over `deployed`. A changed manifest whose version is not
    /// above the deployed one gets the deployed version with its patch number bumped, so every
    /// change is a new version and audit_logs keeps each one.
    public static func make(manifest: StrategyManifest, deployed: DeployedStrategyRow?) -> DeploymentPlan {
        guard let deployed else { return DeploymentPlan(action: .create, manifest: manifest, previousVersion: nil, oldValue: nil) }
        var stored = manifest
        stored.version = deployed.summary.version
        if stored.json == deployed.manifestJSON {
            return DeploymentPlan(action: .unchanged, manifest: stored, previousVersion: deployed.summary.version, oldValue: deployed.manifestJSON)
        }
        var next = manifest
        if !SemanticVersion.isGreater(manifest.version, than: deployed.summary.version) {
            next.version = SemanticVersion.bumpingPatch(deployed.summary.version)
        }
        return DeploymentPlan(action: .update, manifest: next, previousVersion: deployed.summary.version, oldValue: deployed.manifestJSON)
    }
}

/// MAJOR.MINOR.PATCH comparisons for manifest versions.
public enum SemanticVersion {
    /// The numeric parts of `version` (missing or bad parts count as 0).
    static func parts(_ version: String) -> [Int] {
        let numbers = version.split(separator: ".").map { Int($0) ?? 0 }
        return numbers + Array(repeating: 0, count: max(0, 3 - numbers.count))
    }

    /// Whether `version` is strictly above `other`.
    public static func isGreater(_ version: String, than other: String) -> Bool {
        parts(version).lexicographicallyPrecedes(parts(other)) == false && parts(version) != parts(other)
    }

    /// `version` with its patch number plus one.
    public static func bumpingPatch(_ version: String) -> String {
        let numbers = parts(version)
        return "\(numbers[0]).\(numbers[1]).\(numbers[2] + 1)"
    }
}

/// Validate, then write: the whole of `runtime deploy`.
public struct StrategyDeployer {
    /// Loads plugins.
    public let plugins: PluginLoader
    /// Finds an instrument's metadata (the instruments catalog).
    public let instrument: (InstrumentId) -> Instrument?

    /// Creates a deployer.
    public init(plugins: PluginLoader, instrument: @escaping (InstrumentId) -> Instrument?) {
        self.plugins = plugins
        self.instrument = instrument
    }

    /// Validates the manifest text against the deployed strategies in `store` (or none when nil)
    /// and returns the plan; writes nothing.
    public func plan(yaml text: String, source: String, store: (any StrategyDeploymentStore)?) async throws -> (ValidatedManifest, DeploymentPlan) {
        let parsed = try ManifestParser.parse(text, source: source)
        let deployed = try await store?.deployedStrategy(named: parsed.name)
        let validator = ManifestValidator(plugins: plugins, instrument: instrument,
                                          deployedStrategy: { name in name == parsed.name ? deployed?.summary : nil })
        let validated = try validator.validate(parsed, source: source)
        return (validated, DeploymentPlan.make(manifest: validated.manifest, deployed: deployed))
    }

    /// Validates, then applies the plan through `store` — the single database write of a
    /// deployment. A refused manifest writes only an audit row recording the refusal.
    public func deploy(yaml text: String, source: String, store: any StrategyDeploymentStore, actingUser: ActingUser) async throws -> DeploymentPlan {
        let plan: DeploymentPlan
        do {
            plan = try await self.plan(yaml: text, source: source, store: store).1
        } catch let failure as ManifestValidationFailure {
            let name = try? ManifestParser.parse(text, source: source).name.rawValue
            try await store.recordRefusal(manifestName: name, source: source, errors: failure.errors, actingUser: actingUser)
            throw failure
        }
        do {
            try await store.apply(plan, actingUser: actingUser)
        } catch let failure as ManifestValidationFailure {
            // Refused against what is deployed (a trader above an admin's ceiling): nothing was written.
            try await store.recordRefusal(manifestName: plan.manifest.name.rawValue, source: source, errors: failure.errors, actingUser: actingUser)
            throw failure
        }
        return plan
    }
}
