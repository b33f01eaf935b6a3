import Foundation
import Synchronization
import Testing

/// Turns a stalled test into a failure that names it and says what it was waiting for, instead
/// of a test run that never ends.
///
/// Put it on a suite, `@Suite(.watchdog) struct ...` (it applies to every test in the suite), or
/// on one test that needs longer, `@Test(.watchdog(.minutes(25)))` (the longest deadline wins).
/// When a test runs past its deadline the watchdog records an issue naming the test, what it was
/// waiting for (every ``Wait`` in progress) and every other test still running, then cancels the
/// test. A test that still has not returned a minute later ignores cancellation
/// (it waits on something that never answers): the watchdog prints the same report and ends the
/// test process with exit status 1, so the run fails instead of hanging.
public struct Watchdog: TestTrait, SuiteTrait, TestScoping {
    /// How long one test may run. Generous: a loaded 2-core machine is slow, a stall is forever.
    public var deadline: Duration
    /// How long a cancelled test gets to return before the process is ended.
    public var grace: Duration = .seconds(60)

    public var isRecursive: Bool { true }

    public init(deadline: Duration, grace: Duration = .seconds(60)) {
        self.deadline = deadline
        self.grace = grace
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let name = test.id.description
        // One watchdog per test, with the longest deadline any of its traits asks for (a test's
        // own `.watchdog(...)` may extend its suite's).
        if WatchdogScope.current?.test == name { return try await function() }
        let deadline = test.traits.compactMap { $0 as? Watchdog }.map(\.deadline).max() ?? deadline
        let scope = WatchdogScope(test: name)
        WatchdogScope.running.withLock { $0[scope.id] = scope }
        defer { _ = WatchdogScope.running.withLock { $0.removeValue(forKey: scope.id) } }
        // The task group waits for both children, so `function` does not outlive this call.
        try await withoutActuallyEscaping(function) { function in
            try await WatchdogScope.$current.withValue(scope) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await function() }
                    group.addTask { [grace] in
                        try await Task.sleep(for: deadline)
                        let report = scope.report(headline: "watchdog: \(name) did not finish within \(deadline)")
                        Issue.record(Comment(rawValue: report))
                        FileHandle.standardError.write(Data((report + "\n").utf8))
                        // The test is cancelled when this throws; if it has not returned after the
                        // grace period, nothing will make it return.
                        Thread.detachNewThread {
                            Thread.sleep(forTimeInterval: Double(grace.components.seconds))
                            guard WatchdogScope.running.withLock({ $0[scope.id] != nil }) else { return }
                            let final = scope.report(headline: "watchdog: \(name) ignored cancellation for \(grace); ending the test process")
                            FileHandle.standardError.write(Data((final + "\n").utf8))
                            exit(1)
                        }
                        throw WatchdogTimeout(test: name, deadline: deadline)
                    }
                    // The first child to finish decides: the test's own outcome, or the timeout.
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }
}

extension Watchdog {
    /// Adds `describe()` to the watchdog's report for the rest of the current test, under
    /// `label`: the state of what the test drives (a writer's queue, a feed's progress), read
    /// when the report is written.
    public static func describe(_ label: String, _ describe: @escaping @Sendable () -> String) {
        WatchdogScope.current?.add(probe: label, describe)
    }
}

extension Trait where Self == Watchdog {
    /// A watchdog with the default deadline of fifteen minutes per test. Tests run in parallel
    /// and share the machine, so a test's time is close to the whole run's (about four minutes
    /// on an idle 2-core machine, twice that on a loaded one).
    public static var watchdog: Watchdog { Watchdog(deadline: defaultDeadline) }

    /// Fifteen minutes, or `TEST_WATCHDOG_MINUTES` (to hunt a stall in a loop of short runs).
    static var defaultDeadline: Duration {
        .minutes(ProcessInfo.processInfo.environment["TEST_WATCHDOG_MINUTES"].flatMap { Int($0) } ?? 15)
    }

    /// A watchdog with a longer deadline of its own, for a test that is slow by nature; a shorter
    /// one is raised to the default, since a test's time includes waiting for the others (a
    /// 2-minute deadline on pure, instant tests fired on a loaded CI run).
    public static func watchdog(_ deadline: Duration) -> Watchdog { Watchdog(deadline: max(deadline, defaultDeadline)) }
}

/// The error a test ends with when its watchdog fired.
public struct WatchdogTimeout: Error, CustomStringConvertible {
    public var test: String
    public var deadline: Duration
    public var description: String { "\(test) did not finish within \(deadline) (see the watchdog's report)" }
}

/// One running test under a watchdog, and what it is waiting for right now.
final class WatchdogScope: Sendable {
    @TaskLocal static var current: WatchdogScope?
    static let running = Mutex<[ObjectIdentifier: WatchdogScope]>([:])

    let test: String
    let started = ContinuousClock.now
    private let waits = Mutex<[Int: String]>([:])
    private let probes = Mutex<[(label: String, describe: @Sendable () -> String)]>([])
    private let nextWait = Atomic<Int>(0)
    var id: ObjectIdentifier { ObjectIdentifier(self) }

    init(test: String) { self.test = test }

    /// Notes that the test waits for `what` until the returned token is passed to `ended(_:)`.
    func waiting(for what: String) -> Int {
        let token = nextWait.add(1, ordering: .relaxed).newValue
        waits.withLock { $0[token] = what }
        return token
    }

    func ended(_ token: Int) { _ = waits.withLock { $0.removeValue(forKey: token) } }

    func add(probe label: String, _ describe: @escaping @Sendable () -> String) {
        probes.withLock { $0.append((label, describe)) }
    }

    /// What the test waits for, and which other tests are still running.
    func report(headline: String) -> String {
        let waiting = waits.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        let others = Self.running.withLock { $0.values.filter { $0 !== self } }
            .sorted { $0.started < $1.started }
            .map { "\($0.test) (running for \(($0.started.duration(to: .now)).components.seconds) s)" }
        var lines = [headline]
        lines.append(waiting.isEmpty ? "  waiting for: nothing announced (an await outside Wait.until)"
                                     : "  waiting for: " + waiting.joined(separator: "; "))
        for probe in probes.withLock({ $0 }) { lines.append("  \(probe.label): \(probe.describe())") }
        lines.append(others.isEmpty ? "  no other test running" : "  other tests running: " + others.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
