import TradingCore

/// When a strategy went from flat to holding something (`exposed`) or back.
public struct ExposureChange: Hashable, Sendable {
    /// When it changed (event time).
    public var time: Timestamp
    /// Whether a position is held from `time` on.
    public var exposed: Bool

    /// A change of exposure.
    public init(time: Timestamp, exposed: Bool) {
        self.time = time
        self.exposed = exposed
    }
}
