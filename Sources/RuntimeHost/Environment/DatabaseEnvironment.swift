import Foundation
import Logging
import PostgresNIO
import Storage

/// The database a command works on (DATABASE_URL when set, else database.url, else the embedded
/// cluster, started or reused) and its operator: every command goes through here, which applies
/// pending migrations when the operator may and checks what the operator may do.
public enum DatabaseEnvironment {
    /// Resolves the database and the operator (``withOperator(actingAs:logger:_:)``), checks that
    /// the operator may do `permission` (a refusal is audited as `action`), then runs `body` with a
    /// pooled client. For commands whose permission does not depend on a resource.
    public static func withDatabase<Result: Sendable>(
        as permission: OperatorPermission, action: String, actingAs: String? = requestedUser(),
        logger: Logger = Logger(label: "runtime.database"),
        _ body: @Sendable (DatabaseTarget, PostgresClient) async throws -> Result
    ) async throws -> Result {
        try await withOperator(actingAs: actingAs, logger: logger) { context in
            _ = try await context.authorize(permission, action: action, resourceType: "runtime")
            return try await body(context.target, context.client)
        }
    }
}
