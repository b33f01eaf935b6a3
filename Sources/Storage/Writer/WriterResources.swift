import NIOCore
import PostgresNIO
import Synchronization

/// What a writer holds open: connections, and the tasks running its database work, including
/// the ones it gave up waiting for when their connection closed.
///
/// A writer's `run()` ends by closing its connection and waiting for every task it started, so
/// that nothing of it outlives `run()`. The counts let tests check exactly that.
final class WriterResources: Sendable {
    private struct State {
        var openConnections = 0
        var runningTasks = 0
        var givenUp = 0
        var abandoned: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Connections opened and not closed yet.
    var openConnections: Int { state.withLock { $0.openConnections } }
    /// Tasks of guarded work that have not ended.
    var runningTasks: Int { state.withLock { $0.runningTasks } }
    /// How often the writer stopped waiting for work because its connection closed.
    var givenUp: Int { state.withLock { $0.givenUp } }

    /// Counts `connection` as open until it closes.
    func opened(_ connection: PostgresConnection) {
        state.withLock { $0.openConnections += 1 }
        connection.closeFuture.whenComplete { [self] _ in state.withLock { $0.openConnections -= 1 } }
    }

    func taskStarted() { state.withLock { $0.runningTasks += 1 } }
    func taskEnded() { state.withLock { $0.runningTasks -= 1 } }

    /// The writer went on without `task`; ``waitForAbandonedWork()`` waits for it.
    func abandoned(_ task: Task<Void, Never>) {
        state.withLock { state in
            state.givenUp += 1
            state.abandoned.append(task)
        }
    }

    /// Waits until every task given up on has ended. Each one ends once its connection has
    /// closed: postgres-nio fails every statement it was handed when the channel closes, and
    /// ``GuardedConnection`` hands it none after that.
    func waitForAbandonedWork() async {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            defer { state.abandoned.removeAll() }
            return state.abandoned
        }
        for task in tasks { await task.value }
    }
}
