import TradingCore

/// The version of the contract between the host and strategy plugins. A plugin built against a
/// different version is refused at load time instead of misbehaving.
///
/// Bump it whenever a change to StrategyKit or TradingCore changes the layout or meaning of a
/// public type, or the plugin entry-point contract (``StrategyPluginEntry``).
public enum StrategyKitABI {
    /// The ABI version this code was compiled against.
    ///
    /// It is `@inlinable` on purpose: a plugin bakes the value it was compiled with into its own
    /// binary (through its `strategykit_abi_version` entry point), so the host compares its own
    /// version with the plugin's compile-time one, not with the shared library both happen to load.
    @inlinable public static var version: Int { 5 }

    /// The C symbol every plugin exports that returns the ABI version it was compiled against:
    /// `intptr_t strategykit_abi_version(void)`.
    public static let versionSymbol = "strategykit_abi_version"

    /// The C symbol every plugin exports that registers its strategy types:
    /// `int32_t strategykit_register(void *registrar, intptr_t hostABIVersion)`.
    /// It returns a ``StrategyPluginEntry/Status`` raw value.
    public static let registerSymbol = "strategykit_register"
}
