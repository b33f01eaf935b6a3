/// Why a strategy plugin could not be used. Each case says what was tried and what to do.
public enum PluginLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The plugin name is not a module name (letters, digits, `_`; not starting with a digit).
    case invalidName(String)
    /// No `lib<Name>.so` in any search directory.
    case libraryNotFound(plugin: String, searched: [String])
    /// `dlopen` failed (unresolved symbols, wrong architecture, not a shared object, ...).
    case openFailed(plugin: String, path: String, reason: String)
    /// The library lacks a StrategyKit entry point, so it is not a strategy plugin.
    case missingEntryPoint(plugin: String, path: String, symbol: String)
    /// The plugin was compiled against another StrategyKit ABI version.
    case abiVersionMismatch(plugin: String, path: String, pluginVersion: Int, hostVersion: Int)
    /// The plugin's entry point refused to register (see the status).
    case registrationFailed(plugin: String, path: String, status: String)
    /// The plugin does not register a strategy type of that name.
    case strategyNotRegistered(plugin: String, strategy: String, registered: [String])

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .invalidName(let name):
            "plugin name '\(name)' is not a module name (letters, digits and _, not starting with a digit)"
        case .libraryNotFound(let plugin, let searched):
            "plugin \(plugin): lib\(plugin).so not found in \(searched.joined(separator: ", ")); build it with `swift build` (strategies/\(plugin)/) or add its directory to the plugin search path"
        case .openFailed(let plugin, let path, let reason):
            "plugin \(plugin): cannot load \(path): \(reason)"
        case .missingEntryPoint(let plugin, let path, let symbol):
            "plugin \(plugin): \(path) has no `\(symbol)` entry point; it is not a StrategyKit plugin (see the new-strategy scaffold for the two exported functions)"
        case .abiVersionMismatch(let plugin, let path, let pluginVersion, let hostVersion):
            "plugin \(plugin): \(path) was built against StrategyKit ABI \(pluginVersion), the host uses \(hostVersion); rebuild the plugin against this SDK"
        case .registrationFailed(let plugin, let path, let status):
            "plugin \(plugin): \(path) refused to register: \(status)"
        case .strategyNotRegistered(let plugin, let strategy, let registered):
            "plugin \(plugin) registers no strategy named '\(strategy)' (it registers: \(registered.isEmpty ? "none" : registered.joined(separator: ", ")))"
        }
    }
}
