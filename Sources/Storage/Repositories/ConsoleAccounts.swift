import Foundation
import PostgresNIO

/// What the console needs to check a login (migration 015's `runtime_console_credentials`).
public struct ConsoleCredentials: Sendable, Hashable {
    /// users.id.
    public var userId: UUID
    /// users.username.
    public var username: String
    /// users.role.
    public var role: UserRole
    /// users.is_active.
    public var isActive: Bool
    /// users.two_factor_enabled.
    public var twoFactorEnabled: Bool
    /// The bcrypt hash; nil when no password was ever set (`runtime users passwd`).
    public var passwordHash: String?
    /// The TOTP secret; nil when none is enrolled (`runtime users totp`).
    public var totpSecret: String?
}

/// Password logins: credentials for the console, its login audit rows, and setting a password.
/// Hashes are only ever read and written through migration 015's SECURITY DEFINER functions.
public struct ConsoleAccounts: Sendable {
    let session: any DatabaseSession
    /// Reads and writes through `session`.
    public init(_ session: any DatabaseSession) { self.session = session }

    /// The credentials of `username`, or nil for an unknown user.
    public func credentials(username: String) async throws(StorageError) -> ConsoleCredentials? {
        let t = "runtime_console_credentials"
        let rows = try await session.rows("read the credentials of \(username)", """
            SELECT user_id, username, role, is_active, two_factor_enabled, password_hash, totp_secret
            FROM runtime_console_credentials(\(username)) WHERE user_id IS NOT NULL
            """)
        guard let row = rows.first else { return nil }
        let role: String = try row.value("role", table: t)
        return ConsoleCredentials(
            userId: try row.value("user_id", table: t), username: try row.value("username", table: t),
            role: try SQLValues.enumValue(role, table: t, column: "role"), isActive: try row.value("is_active", table: t),
            twoFactorEnabled: try row.value("two_factor_enabled", table: t), passwordHash: try row.value("password_hash", table: t),
            totpSecret: try row.value("totp_secret", table: t))
    }

    /// Writes a login attempt's audit row from `origin` (and, on success, users.last_login) in one transaction.
    public func recordLogin(username: String, success: Bool, error: String?, origin: RequestOrigin) async throws(StorageError) {
        try await session.execute("record the login of \(username)", """
            WITH origin AS (
                SELECT set_config('runtime.client_ip', \(origin.ipAddress ?? ""), true) AS ip,
                       set_config('runtime.user_agent', \(origin.userAgent.map { String($0.prefix(500)) } ?? ""), true) AS agent
            )
            SELECT runtime_console_record_login(\(username), \(success), \(error)) FROM origin
            """)
    }

    /// Why ``setPassword(identity:actingAs:username:hash:)`` changed nothing.
    public enum PasswordRefusal: String, Sendable, Hashable {
        /// No user by that name.
        case unknownUser = "unknown_user"
    }

    /// Stores `hash` (bcrypt) as `username`'s password, as the operator `identity`: themselves,
    /// or an admin for anyone (the database checks and audits it).
    public func setPassword(identity: String, actingAs: String?, username: String, hash: String) async throws(StorageError) -> PasswordRefusal? {
        let rows = try await session.rows("set the password of \(username)",
                                          "SELECT runtime_set_password(\(identity), \(actingAs), \(username), \(hash)) AS refusal")
        return try rows.first?.value("refusal", as: String?.self, table: "user_credentials").map { text throws(StorageError) in
            try SQLValues.enumValue(text, table: "user_credentials", column: "refusal") }
    }
}

extension ConsoleAccounts {
    /// Whether this session's login may speak for other operators (migration 015's
    /// `runtime_login`): a superuser (the embedded cluster) or a member of runtime_console.
    public func speaksForOperators() async throws(StorageError) -> Bool {
        let rows = try await session.rows("check the console's login role", """
            SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
                   OR pg_has_role(session_user, 'runtime_console', 'MEMBER') AS speaks
            """)
        return try rows.first?.value("speaks", table: "pg_roles") ?? false
    }
}

extension ConsoleAccounts {
    /// Why ``setTOTP(identity:actingAs:username:secret:)`` changed nothing.
    public enum TOTPRefusal: String, Sendable, Hashable {
        /// No user by that name.
        case unknownUser = "unknown_user"
        /// The user has no password yet: two-factor adds to a password, never replaces it.
        case noPassword = "no_password"
    }

    /// Enrols `secret` as `username`'s TOTP secret (nil removes it) and sets users.two_factor_enabled
    /// to match, as the operator `identity` (themselves, or an admin for anyone); audited.
    public func setTOTP(identity: String, actingAs: String?, username: String, secret: String?) async throws(StorageError) -> TOTPRefusal? {
        let rows = try await session.rows("set the two-factor secret of \(username)",
                                          "SELECT runtime_set_totp(\(identity), \(actingAs), \(username), \(secret)) AS refusal")
        return try rows.first?.value("refusal", as: String?.self, table: "user_credentials").map { text throws(StorageError) in
            try SQLValues.enumValue(text, table: "user_credentials", column: "refusal") }
    }

    /// Spends TOTP time step `step` of `username`: false when it (or a later one) was spent before.
    public func useTOTPStep(username: String, step: Int64) async throws(StorageError) -> Bool {
        let rows = try await session.rows("spend a one-time code of \(username)",
                                          "SELECT runtime_console_use_totp_step(\(username), \(step)) AS fresh")
        return try rows.first?.value("fresh", table: "user_credentials") ?? false
    }
}
