import HummingbirdBcrypt
import NIOPosix

/// Console passwords: what is long enough, and their bcrypt hashes. Hashing is deliberately slow,
/// so it runs on NIO's thread pool, never on an event loop or the cooperative pool.
public struct PasswordPolicy: Sendable {
    /// Fewer characters than this are refused.
    public var minimumLength: Int
    /// bcrypt's cost (2^cost rounds); 12 for real accounts, lower only in tests.
    public var cost: UInt8

    /// The shipped policy: at least 12 characters, cost 12.
    public static let standard = PasswordPolicy(minimumLength: 12, cost: 12)

    /// Creates a policy.
    public init(minimumLength: Int, cost: UInt8) {
        self.minimumLength = minimumLength
        self.cost = cost
    }

    /// Checks `password` against the policy.
    /// - Throws: ``ConsoleError/invalidArgument(field:reason:)`` for the field `password`.
    public func validate(_ password: String) throws(ConsoleError) {
        if password.count < minimumLength {
            throw .invalidArgument(field: "password", reason: "too short: \(password.count) characters, at least \(minimumLength) are needed")
        }
        if password.utf8.count > 72 {
            // bcrypt reads 72 bytes; a longer password would silently match its own prefix.
            throw .invalidArgument(field: "password", reason: "too long: \(password.utf8.count) bytes, bcrypt uses at most 72")
        }
        if password.contains(where: { $0.isNewline }) {
            throw .invalidArgument(field: "password", reason: "contains a line break")
        }
    }

    /// The bcrypt hash of a valid `password`.
    public func hash(_ password: String) async throws -> String {
        try validate(password)
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash (unknown user, no password set) as much
    /// bcrypt work is done anyway, so the answer takes as long either way and reveals nothing.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }
}
