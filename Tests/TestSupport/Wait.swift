import Foundation

/// Waiting in tests for a signal (a row exists, a server served every frame, a log line was
/// written), never for a fixed time.
public enum Wait {
    /// What was awaited and what was seen last when the deadline passed.
    public struct TimedOut: Error, CustomStringConvertible {
        public var awaited: String
        public var deadline: Duration
        public var lastSeen: String
        public var description: String { "waited \(deadline) for \(awaited); last seen: \(lastSeen)" }
    }

    /// Probes until `satisfies` holds for what `probe` returns, and returns that value.
    ///
    /// The deadline is for a loaded 2-core machine (minutes, not seconds): on a healthy one the
    /// condition holds long before it. A probe that throws ends the wait with its error. While
    /// waiting, a test's ``Watchdog`` knows what it waits for.
    /// - Throws: ``TimedOut`` naming `what` and the last value seen, when the deadline passes.
    @discardableResult
    public static func until<Value>(_ what: String, within deadline: Duration = .minutes(5), every interval: Duration = .milliseconds(50),
                                    _ probe: () async throws -> Value,
                                    satisfies: (Value) -> Bool) async throws -> Value {
        let token = WatchdogScope.current?.waiting(for: what)
        defer { if let token { WatchdogScope.current?.ended(token) } }
        let end = ContinuousClock.now + deadline
        while true {
            let value = try await probe()
            if satisfies(value) { return value }
            guard ContinuousClock.now < end else { throw TimedOut(awaited: what, deadline: deadline, lastSeen: "\(value)") }
            try await Task.sleep(for: interval)
        }
    }

    /// Probes until `condition` is true.
    public static func until(_ what: String, within deadline: Duration = .minutes(5), every interval: Duration = .milliseconds(50),
                             _ condition: () async throws -> Bool) async throws {
        try await until(what, within: deadline, every: interval, condition, satisfies: { $0 })
    }

    /// Runs `body`, an await that ends by a signal of its own (a stream's next element, a
    /// notification), under a deadline: when it passes, `body` is cancelled and ``TimedOut``
    /// thrown. `body` must return when cancelled.
    public static func signal<Value: Sendable>(_ what: String, within deadline: Duration = .minutes(5),
                                               _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let token = WatchdogScope.current?.waiting(for: what)
        defer { if let token { WatchdogScope.current?.ended(token) } }
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TimedOut(awaited: what, deadline: deadline, lastSeen: "nothing")
            }
            return value
        }
    }
}

extension Duration {
    /// `n` minutes: test deadlines are counted in minutes.
    public static func minutes(_ n: Int) -> Duration { .seconds(n * 60) }
}
