import Logging
import Synchronization

/// Collects the messages logged through its loggers, so a test can read them or wait for one.
public final class LogLines: Sendable {
    private let collected = Mutex<[String]>([])

    public init() {}

    /// Every message so far, oldest first.
    public var lines: [String] { collected.withLock { $0 } }

    /// A logger whose messages at `level` and above land here.
    public func logger(label: String, level: Logger.Level = .info) -> Logger {
        Logger(label: label) { _ in Handler(sink: self, logLevel: level) }
    }

    private struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level

        init(sink: LogLines, logLevel: Logger.Level) {
            self.sink = sink
            self.logLevel = logLevel
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let message = event.message.description
            sink.collected.withLock { $0.append(message) }
        }
    }
}
