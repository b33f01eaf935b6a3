@_spi(Host) import StrategyKit
import TradingCore

/// A manifest that passed every check, with what the checks resolved.
public struct ValidatedManifest {
    /// The manifest.
    public let manifest: StrategyManifest
    /// The strategy type's registration in its loaded plugin.
    public let registration: StrategyRegistration
    /// The plugin library it came from.
    public let pluginPath: String
    /// The instruments' metadata, in manifest order.
    public let instruments: [Instrument]
}

/// What the validator needs to know about an already deployed strategy of the same name.
public struct DeployedStrategySummary: Hashable, Sendable {
    /// The deployed plugin.
    public var plugin: String
    /// The deployed strategy type.
    public var strategy: String
    /// The deployed version.
    public var version: String

    /// Creates a summary.
    public init(plugin: String, strategy: String, version: String) {
        self.plugin = plugin
        self.strategy = strategy
        self.version = version
    }
}

/// Checks everything about a manifest before anything is written: its schema
/// (``ManifestParser``), that its plugin loads and registers the strategy type, that its
/// parameters decode into the strategy's `Parameters` and the strategy accepts them, that its
/// instruments exist in the catalog and share one quote currency, that its limits are sane, and that its name does not belong
/// to a different deployed strategy.
///
/// Creating the strategy to check its parameters has no side effects: strategies do nothing but
/// keep state until the host starts them.
public struct ManifestValidator {
    /// Loads plugins and finds strategy registrations.
    public let plugins: PluginLoader
    /// Looks instruments up.
    public let instrument: (InstrumentId) -> Instrument?
    /// The deployed strategy with this name, if any (nil when nothing is deployed under it).
    public let deployedStrategy: (StrategyName) -> DeployedStrategySummary?

    /// Creates a validator.
    public init(plugins: PluginLoader, instrument: @escaping (InstrumentId) -> Instrument?,
                deployedStrategy: @escaping (StrategyName) -> DeployedStrategySummary? = { _ in nil }) {
        self.plugins = plugins
        self.instrument = instrument
        self.deployedStrategy = deployedStrategy
    }

    /// Parses and validates manifest text.
    /// - Throws: ``ManifestValidationFailure`` naming every field that is wrong.
    public func validate(yaml text: String, source: String? = nil) throws(ManifestValidationFailure) -> ValidatedManifest {
        try validate(try ManifestParser.parse(text, source: source), source: source)
    }

    /// Validates a parsed manifest.
    /// - Throws: ``ManifestValidationFailure`` naming every field that is wrong.
    public func validate(_ manifest: StrategyManifest, source: String? = nil) throws(ManifestValidationFailure) -> ValidatedManifest {
        try check(manifest, source: source) { () throws(PluginLoadError) -> (StrategyRegistration, String) in
            let plugin = try plugins.load(manifest.plugin)
            return (try plugin.registration(for: manifest.strategy), plugin.path)
        }
    }

    /// Validates a parsed manifest for a strategy type registered in this process (StrategyKitTesting
    /// runs a strategy without its plugin library): every check but loading `plugin:`, which is not
    /// looked at. `registration` stands for the manifest's `strategy:`.
    /// - Throws: ``ManifestValidationFailure`` naming every field that is wrong.
    public func validate(_ manifest: StrategyManifest, registration: StrategyRegistration,
                         source: String? = nil) throws(ManifestValidationFailure) -> ValidatedManifest {
        try check(manifest, source: source) { () throws(PluginLoadError) -> (StrategyRegistration, String) in (registration, "") }
    }

    /// The checks, with `resolve` finding the strategy type's registration and its library's path.
    private func check(_ manifest: StrategyManifest, source: String?,
                       resolve: () throws(PluginLoadError) -> (StrategyRegistration, String)) throws(ManifestValidationFailure) -> ValidatedManifest {
        var errors: [ManifestError] = []

        var metadata: [Instrument] = []
        for (index, id) in manifest.instruments.enumerated() {
            if let found = instrument(id) {
                metadata.append(found)
            } else {
                errors.append(ManifestError(field: "instruments[\(index)]", reason: "\(id) is not in the instruments catalog (config/instruments.yaml)"))
            }
        }

        // Equity, PnL, fees and every notional limit of a strategy add up amounts of its quote
        // currency: one strategy holding ETH-BTC beside BTC-USDT would add BTC to USDT.
        if let first = manifest.instruments.first {
            for (index, id) in manifest.instruments.enumerated() where id.quote != first.quote {
                errors.append(ManifestError(field: "instruments[\(index)]", reason: "\(id) is quoted in \(id.quote) while \(first) is quoted in \(first.quote): a strategy's capital, PnL and notional limits are in one currency; deploy \(id.quote)-quoted instruments as a strategy of their own"))
            }
        }

        if let deployed = deployedStrategy(manifest.name), deployed.plugin != manifest.plugin || deployed.strategy != manifest.strategy {
            errors.append(ManifestError(field: "name", reason: "'\(manifest.name)' is already deployed as \(deployed.plugin).\(deployed.strategy) (version \(deployed.version)); choose another name or stop and remove that strategy first"))
        }

        if let bars = manifest.bars, let problem = bars.channelProblem(manifest.channels) { errors.append(problem) }

        if let capital = manifest.riskLimits[.maxOrderNotional], capital.isZero {
            errors.append(ManifestError(field: "risk_limits.max_order_notional", reason: "is 0: no order could ever pass; remove the limit or set it above 0"))
        }
        if let positionLimit = manifest.riskLimits[.maxPositionSize], positionLimit.isZero {
            errors.append(ManifestError(field: "risk_limits.max_position_size", reason: "is 0: the strategy could never open a position"))
        }
        if let loss = manifest.riskLimits[.maxDailyLoss], loss > manifest.allocatedCapital.value {
            errors.append(ManifestError(field: "risk_limits.max_daily_loss", reason: "\(loss) exceeds allocated_capital \(manifest.allocatedCapital)"))
        }

        var registration: StrategyRegistration?
        var pluginPath = ""
        do {
            let resolved = try resolve()
            registration = resolved.0
            pluginPath = resolved.1
        } catch {
            // A plugin that loaded but lacks the type is the manifest's `strategy:` at fault.
            if case .strategyNotRegistered = error {
                errors.append(ManifestError(field: "strategy", reason: error.description))
            } else {
                errors.append(ManifestError(field: "plugin", reason: error.description))
            }
        }

        if let registration {
            do {
                try registration.validateParameters(manifest.parameters)
                if metadata.count == manifest.instruments.count {
                    // Let the strategy check its parameters' meaning (e.g. slow period > fast period).
                    let context = StrategyContext(name: manifest.name, instruments: metadata, allocatedCapital: manifest.allocatedCapital,
                                                  mode: manifest.mode == .live ? .live : .paper, parameters: manifest.parameters)
                    _ = try registration.makeStrategy(context: context)
                }
            } catch let error as ParameterDecodingError {
                errors.append(ManifestError(field: error.path, reason: error.reason))
            } catch {
                errors.append(ManifestError(field: "parameters", reason: "the strategy refused its parameters: \(error)"))
            }
        }

        guard errors.isEmpty, let registration else { throw ManifestValidationFailure(source: source, errors: errors) }
        return ValidatedManifest(manifest: manifest, registration: registration, pluginPath: pluginPath, instruments: metadata)
    }
}
