import TradingCore

/// The version of the contract between the host and strategy plugins. A plugin built against a
/// different version is refused at load time instead of misbehaving.
public enum StrategyKitABI {
    public static let version: Int = 1
}
