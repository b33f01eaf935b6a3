import Synchronization

/// Where a long test is, for its ``Watchdog``'s report: `let phase = Phase("deploying")`, then
/// `phase.enter("replaying")` at each step. A stalled test then says which step it stalled in.
public final class Phase: Sendable {
    private let current: Mutex<String>

    /// Starts at `first` and shows in the report of the current test's watchdog.
    public init(_ first: String) {
        current = Mutex(first)
        Watchdog.describe("phase") { [self] in current.withLock { $0 } }
    }

    /// The test moved on to `step`.
    public func enter(_ step: String) { current.withLock { $0 = step } }
}
