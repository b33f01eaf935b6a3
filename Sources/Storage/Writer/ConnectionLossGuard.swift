import NIOCore
import PostgresNIO
import Synchronization

/// Runs a writer's work on one connection and stops waiting for it the moment that connection
/// closes.
///
/// Why: when the server ends a session while a statement is in flight (a restart: `FATAL 57P01
/// terminating connection due to administrator command`), the writer must not wait on that
/// statement's answer; it treats the work as failed (not committed, or its outcome unknown —
/// the writers then ask the server, see ``CommitInDoubt``) and writes again on a new connection.
///
/// The work runs in a task of its own on the connection's event loop and talks to the server
/// through ``GuardedConnection``, so every statement it sends is one postgres-nio will answer or
/// fail when the channel closes: a task given up on ends soon after. It is handed to the
/// writer's ``WriterResources`` which `run()` waits on before returning.
final class ConnectionLossGuard: Sendable {
    /// The connection closed before the work finished.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the database connection closed while a write was in flight" }
    }

    private struct State {
        var closed = false
        var waiter: CheckedContinuation<Void, any Error>?
    }

    let connection: PostgresConnection
    private let executor: EventLoopTaskExecutor
    private let resources: WriterResources
    private let state = Mutex(State())

    init(_ connection: PostgresConnection, resources: WriterResources = WriterResources()) {
        self.connection = connection
        self.executor = EventLoopTaskExecutor(connection.eventLoop)
        self.resources = resources
        resources.opened(connection)
        // One callback per connection, not per batch, so nothing piles up on a long-lived one.
        connection.closeFuture.whenComplete { [weak self] _ in self?.connectionClosed() }
    }

    private func connectionClosed() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: ConnectionLost())
    }

    /// Runs `work`, returning its result, or throws `ConnectionLost` as soon as the connection
    /// closes (whichever comes first). One call at a time.
    func run<Value: Sendable>(_ work: @escaping @Sendable (GuardedConnection) async throws -> Value) async throws -> Value {
        let result = Mutex<Result<Value, any Error>?>(nil)
        let connection = GuardedConnection(connection: self.connection)
        let resources = self.resources
        resources.taskStarted()
        let task = Task(executorPreference: executor) {
            let outcome: Result<Value, any Error>
            do { outcome = .success(try await work(connection)) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            // Counted as ended before the caller is woken, so that a writer whose run() has
            // returned never shows a task of its own still running.
            resources.taskEnded()
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeWith = state.withLock { state -> Result<Void, any Error>? in
                    if result.withLock({ $0 != nil }) { return .success(()) }
                    if state.closed { return .failure(ConnectionLost()) }
                    state.waiter = continuation
                    return nil
                }
                if let resumeWith { continuation.resume(with: resumeWith) }
            }
        } catch {
            // Closed first. The work's result, should it still come, is dropped: the caller
            // writes the batch again (asking the server first where a COMMIT was in flight).
            if let finished = result.withLock({ $0 }) { return try finished.get() }
            task.cancel()
            resources.abandoned(task)
            throw error
        }
        guard let finished = result.withLock({ $0 }) else { throw ConnectionLost() }
        return try finished.get()
    }
}
