import Logging
import NIOCore
import PostgresNIO

/// The connection as a writer's guarded work sees it: each statement is handed to postgres-nio
/// only while the channel is open, checked on the connection's event loop in the same step.
///
/// Why: postgres-nio 1.33 sends a statement with `channel.write(task, promise: nil)`. Once the
/// channel has closed and its pipeline is torn down (a server restart), that write is refused
/// by NIO without anyone being told, so the statement's promise is never completed and the task
/// awaiting it waits forever. While the channel is still open its handler owns every statement
/// it was given and fails them all when the channel closes. ``ConnectionLossGuard`` runs the
/// work on the connection's event loop (``EventLoopTaskExecutor``), where the check below and
/// the write that follows it happen without the loop running anything in between — so the
/// channel cannot close between them.
struct GuardedConnection: DatabaseSession {
    let connection: PostgresConnection

    /// Throws ``ConnectionLossGuard/ConnectionLost`` when the channel is closed.
    private func ensureOpen() throws {
        assert(connection.eventLoop.inEventLoop, "guarded work must run on the connection's event loop")
        if connection.isClosed { throw ConnectionLossGuard.ConnectionLost() }
    }

    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try ensureOpen()
        return try await connection.query(query, logger: storageQueryLogger)
    }

    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try ensureOpen()
        return try await connection.query(query, logger: logger)
    }
}
