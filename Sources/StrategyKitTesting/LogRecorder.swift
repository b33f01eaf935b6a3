import Logging
import Synchronization

/// Keeps what the engine and the strategy log, so a test can read it (and a run stays quiet):
/// the tester's engine logs through a ``LogRecorder/handler`` instead of the process's handler.
final class LogRecorder: Sendable {
    private let lines = Mutex<[TestLogLine]>([])

    /// Everything logged so far, oldest first.
    var all: [TestLogLine] { lines.withLock { $0 } }

    /// A logger whose lines land here.
    func logger(label: String) -> Logger {
        Logger(label: label) { _ in Handler(recorder: self) }
    }

    func append(_ line: TestLogLine) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            // The engine hands each strategy a logger carrying its name as handler metadata
            // (TradingEngine.strategyLogger); the engine's own lines name a strategy per line, if at all.
            recorder.append(TestLogLine(level: event.level, message: "\(event.message)", fromStrategy: metadata["strategy"] != nil))
        }
    }
}
