import NIOCore
import PostgresNIO
import Synchronization

/// Runs a writer's work on one connection and gives up on it the moment that connection closes.
///
/// Why: with postgres-nio 1.33, when the server ends a session while a statement is in flight
/// (a restart: `FATAL 57P01 terminating connection due to administrator command`), the awaiting
/// query — or the `ROLLBACK` sent right after it — was seen never to return (the restart tests
/// hung in about one run of three). The channel itself does close, so the writers race their
/// work against the channel's close: on close the work counts as failed (the transaction was
/// not committed, or its outcome is unknown: the writers treat both as "write it again"), and
/// the task stuck inside postgres-nio is cancelled and left behind.
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
    private let state = Mutex(State())

    init(_ connection: PostgresConnection) {
        self.connection = connection
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
    func run<Value: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> Value) async throws -> Value {
        let result = Mutex<Result<Value, any Error>?>(nil)
        let connection = self.connection
        let task = Task {
            let outcome: Result<Value, any Error>
            do { outcome = .success(try await work(connection)) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
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
            // Closed first. The work may still finish (then its result is dropped: the caller
            // retries the batch) or stay stuck in postgres-nio; either way it is not awaited.
            if let finished = result.withLock({ $0 }) { return try finished.get() }
            task.cancel()
            throw error
        }
        guard let finished = result.withLock({ $0 }) else { throw ConnectionLost() }
        return try finished.get()
    }
}
