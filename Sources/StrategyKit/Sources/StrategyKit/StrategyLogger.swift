/// How important a log message is.
public enum StrategyLogLevel: Int, Hashable, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Detail for debugging a strategy.
    case debug
    /// Normal operation worth recording (a signal, a decision).
    case info
    /// Something unusual that is not a problem.
    case notice
    /// Something that may be a problem.
    case warning
    /// Something went wrong.
    case error

    /// Orders levels by importance.
    public static func < (lhs: StrategyLogLevel, rhs: StrategyLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level's name, e.g. `warning`.
    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// The strategy's logger. The host routes messages into its own logging (tagged with the
/// strategy's name); the SDK itself has no logging dependency.
///
/// Messages are autoclosures: below ``minimumLevel`` they are never built.
public struct StrategyLogger {
    /// Messages below this level are dropped without being built.
    public var minimumLevel: StrategyLogLevel
    private let sink: (StrategyLogLevel, String) -> Void

    /// Creates a logger that hands each message at or above `minimumLevel` to `sink`.
    public init(minimumLevel: StrategyLogLevel = .info, sink: @escaping (StrategyLogLevel, String) -> Void) {
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// A logger that drops everything.
    public static var discarding: StrategyLogger { StrategyLogger(minimumLevel: .error, sink: { _, _ in }) }

    /// Logs `message` at `level`.
    public func log(_ level: StrategyLogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        sink(level, message())
    }

    /// Logs at debug level.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    /// Logs at info level.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Logs at notice level.
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
    /// Logs at warning level.
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    /// Logs at error level.
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
}
