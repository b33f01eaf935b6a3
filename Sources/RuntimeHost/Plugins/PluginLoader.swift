#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrategyKit

/// A plugin library that loaded and registered its strategy types. It stays loaded for the life
/// of the process (never `dlclose`d: strategy objects and their metadata live in it).
public final class LoadedPlugin {
    /// The plugin's name (the module, `strategies/<Name>/`).
    public let name: String
    /// The library file that was loaded.
    public let path: String
    /// The strategy types the plugin registered.
    public let registrar: StrategyRegistrar

    init(name: String, path: String, registrar: StrategyRegistrar) {
        self.name = name
        self.path = path
        self.registrar = registrar
    }

    /// The registered strategy names, sorted.
    public var strategyNames: [String] { registrar.names }

    /// The registration of `strategy`.
    /// - Throws: ``PluginLoadError/strategyNotRegistered(plugin:strategy:registered:)``.
    public func registration(for strategy: String) throws(PluginLoadError) -> StrategyRegistration {
        guard let registration = registrar.registration(named: strategy) else {
            throw .strategyNotRegistered(plugin: name, strategy: strategy, registered: registrar.names)
        }
        return registration
    }
}

/// Loads strategy plugins (`lib<Name>.so`) by name from a search path.
///
/// Loading follows what was established on this platform (DESIGN.md): `RTLD_NOW | RTLD_LOCAL`, so a
/// plugin with unresolved symbols fails here rather than mid-trade and plugins cannot see each
/// other's symbols; the plugin's `strategykit_abi_version` must equal the host's
/// ``StrategyKitABI/version`` before anything else runs; the plugin's `strategykit_register` checks
/// the registrar's type (one shared copy of StrategyKit) and registers its strategy types. Every
/// failure is a ``PluginLoadError``; nothing here traps. Libraries are never unloaded.
///
/// Not thread-safe: use it from the host's setup code or one task.
public final class PluginLoader {
    /// Directories searched in order.
    public var searchPaths: [String]
    private var cache: [String: LoadedPlugin] = [:]

    private typealias ABIVersionFunction = @convention(c) () -> Int
    private typealias RegisterFunction = @convention(c) (UnsafeMutableRawPointer?, Int) -> Int32

    /// Creates a loader searching `searchPaths` in order (default: ``defaultSearchPaths()``).
    public init(searchPaths: [String]? = nil) {
        self.searchPaths = searchPaths ?? Self.defaultSearchPaths()
    }

    /// `$RUNTIME_PLUGIN_PATH` (colon-separated) if set, then the running executable's directory —
    /// the SwiftPM bin directory, where `swift build` puts every `strategies/<Name>` plugin.
    public static func defaultSearchPaths() -> [String] {
        var paths: [String] = []
        if let raw = getenv("RUNTIME_PLUGIN_PATH") {
            paths += String(cString: raw).split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let directory = executableDirectory() { paths.append(directory) }
        return paths
    }

    /// The directory of the running executable (from `/proc/self/exe`), nil if unknown.
    public static func executableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file `lib<name>.so` would be loaded from, nil if no search directory has it.
    public func libraryPath(for name: String) -> String? {
        for directory in searchPaths {
            let candidate = directory.hasSuffix("/") ? "\(directory)lib\(name).so" : "\(directory)/lib\(name).so"
            if access(candidate, R_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Loads plugin `name` (once; later calls return the same plugin).
    /// - Throws: ``PluginLoadError`` saying what failed.
    public func load(_ name: String) throws(PluginLoadError) -> LoadedPlugin {
        if let plugin = cache[name] { return plugin }
        guard Self.isModuleName(name) else { throw .invalidName(name) }
        guard let path = libraryPath(for: name) else { throw .libraryNotFound(plugin: name, searched: searchPaths) }
        let plugin = try open(name: name, path: path)
        cache[name] = plugin
        return plugin
    }

    /// Loads a plugin from an explicit library file (tests, tools). Cached under `name`.
    public func load(_ name: String, fromFile path: String) throws(PluginLoadError) -> LoadedPlugin {
        if let plugin = cache[name] { return plugin }
        guard access(path, R_OK) == 0 else { throw .libraryNotFound(plugin: name, searched: [path]) }
        let plugin = try open(name: name, path: path)
        cache[name] = plugin
        return plugin
    }

    /// Loads `plugin` and returns its registration of `strategy`.
    public func registration(plugin: String, strategy: String) throws(PluginLoadError) -> StrategyRegistration {
        try load(plugin).registration(for: strategy)
    }

    private func open(name: String, path: String) throws(PluginLoadError) -> LoadedPlugin {
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .openFailed(plugin: name, path: path, reason: Self.lastDynamicLinkerError())
        }
        // From here on the handle is deliberately kept open even on failure: unloading code that
        // may have run initializers is not safe, and a few leaked handles on errors cost nothing.
        guard let versionSymbol = dlsym(handle, StrategyKitABI.versionSymbol) else {
            throw .missingEntryPoint(plugin: name, path: path, symbol: StrategyKitABI.versionSymbol)
        }
        guard let registerSymbol = dlsym(handle, StrategyKitABI.registerSymbol) else {
            throw .missingEntryPoint(plugin: name, path: path, symbol: StrategyKitABI.registerSymbol)
        }
        let pluginVersion = unsafeBitCast(versionSymbol, to: ABIVersionFunction.self)()
        guard pluginVersion == StrategyKitABI.version else {
            throw .abiVersionMismatch(plugin: name, path: path, pluginVersion: pluginVersion, hostVersion: StrategyKitABI.version)
        }
        let registrar = StrategyRegistrar()
        let register = unsafeBitCast(registerSymbol, to: RegisterFunction.self)
        let status = withExtendedLifetime(registrar) {
            register(Unmanaged.passUnretained(registrar).toOpaque(), StrategyKitABI.version)
        }
        guard status == StrategyPluginEntry.Status.registered.rawValue else {
            let meaning = StrategyPluginEntry.Status(rawValue: status)?.description ?? "unknown status \(status)"
            throw .registrationFailed(plugin: name, path: path, status: meaning)
        }
        return LoadedPlugin(name: name, path: path, registrar: registrar)
    }

    private static func isModuleName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first) else { return false }
        return name.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    private static func lastDynamicLinkerError() -> String {
        guard let message = dlerror() else { return "unknown dlopen error" }
        return String(cString: message)
    }
}
