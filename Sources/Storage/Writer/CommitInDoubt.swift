import Logging
import PostgresNIO
import Synchronization

/// A batch whose COMMIT was sent and not yet answered: its transaction id, and what the batch
/// wrote (so that, if the server says it committed, the writer can count it without writing it
/// again).
///
/// Why: when the connection is lost between sending COMMIT and reading its answer, the batch may
/// or may not be stored. Writing it again would store rows twice in the tables without a unique
/// key (risk events, audit rows, order-book snapshots, system metrics); dropping it would lose
/// them. The writers read the transaction id before COMMIT and, on the next connection, ask the
/// server how that transaction ended (``TransactionStatus/committed(_:on:logger:)``).
final class CommitInDoubt<Outcome: Sendable>: Sendable {
    private let pending = Mutex<(transaction: String, outcome: Outcome)?>(nil)

    init() {}

    /// COMMIT of `transaction`, which wrote `outcome`, is about to be sent.
    func sending(_ transaction: String, outcome: Outcome) { pending.withLock { $0 = (transaction, outcome) } }
    /// The COMMIT was answered (or the question was settled by asking the server).
    func answered() { pending.withLock { $0 = nil } }
    /// The transaction in doubt and what it wrote, if any.
    var inDoubt: (transaction: String, outcome: Outcome)? { pending.withLock { $0 } }
}

/// The server's word on a transaction, for ``CommitInDoubt``.
enum TransactionStatus {

    /// The current transaction's id, read right before COMMIT (`pg_current_xact_id`, a 64-bit
    /// id that does not wrap around).
    static func current(on connection: GuardedConnection, logger: Logger) async throws -> String? {
        var transaction: String?
        for try await xid in try await connection.query("SELECT pg_current_xact_id()::text", logger: logger).decode(String.self) {
            transaction = xid
        }
        return transaction
    }

    /// Whether transaction `xid` committed, asked on a new connection after the old one was
    /// lost with a COMMIT unanswered. Waits while the old session's transaction is still in
    /// progress (the server has not noticed the lost connection yet). Unknown (too old, or lost
    /// with a crash) counts as not committed.
    static func committed(_ xid: String, on session: ConnectionLossGuard, logger: Logger) async throws -> Bool {
        var delay = Duration.milliseconds(10)
        while true {
            let status: String? = try await session.run { connection in
                var status: String?
                for try await value in try await connection.query("SELECT pg_xact_status(\(xid)::xid8)::text", logger: logger).decode(String?.self) {
                    status = value
                }
                return status
            }
            if status != "in progress" { return status == "committed" }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(1))
        }
    }
}
