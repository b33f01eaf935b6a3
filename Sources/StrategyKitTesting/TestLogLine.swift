import Logging

/// One line the strategy (through its context's logger) or the engine logged while the tester ran.
public struct TestLogLine: Hashable, Sendable, CustomStringConvertible {
    /// The level.
    public var level: Logger.Level
    /// The message.
    public var message: String
    /// Whether the strategy wrote it (rather than the engine about it).
    public var fromStrategy: Bool

    /// `[info] message`.
    public var description: String { "[\(level)] \(message)" }
}
