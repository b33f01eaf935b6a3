import Foundation

/// A logged-in browser: who, until when, and the random id its CSRF token and logout refer to.
/// Carried in a signed cookie (``SessionSigner``); the role is not in it, it is asked of the
/// database on every request, so a demoted or deactivated user loses access at once.
public struct ConsoleSession: Sendable, Hashable, Codable {
    /// users.username.
    public var username: String
    /// A random id (hex), new at each login.
    public var id: String
    /// Seconds since the epoch after which the cookie is refused.
    public var expiresAt: Int64

    enum CodingKeys: String, CodingKey {
        case username = "u", id = "i", expiresAt = "e"
    }

    /// Creates a session.
    public init(username: String, id: String, expiresAt: Int64) {
        self.username = username
        self.id = id
        self.expiresAt = expiresAt
    }

    /// A new session for `username` lasting `lifetime` seconds from `now`.
    static func new(username: String, now: Int64, lifetime: Int64) -> ConsoleSession {
        ConsoleSession(username: username, id: RandomToken.hex(bytes: 16), expiresAt: now + lifetime)
    }
}

/// Random tokens from the system's generator.
enum RandomToken {
    /// `bytes` random bytes as lowercase hex.
    static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
