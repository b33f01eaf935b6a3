import Crypto
import Foundation

/// Signs session cookies and derives CSRF tokens with one secret key (HMAC-SHA256), so the
/// console keeps no session table: a cookie is valid if its signature is and it has not expired
/// (nor been logged out, see ``SessionRevocations``).
public struct SessionSigner: Sendable {
    let key: SymmetricKey

    /// Signs with `secret` (at least 32 bytes).
    /// - Throws: ``ConsoleError/invalidArgument(field:reason:)`` for a short secret.
    public init(secret: [UInt8], field: String = "session secret") throws(ConsoleError) {
        guard secret.count >= 32 else {
            throw .invalidArgument(field: field, reason: "\(secret.count) bytes; at least 32 are needed")
        }
        key = SymmetricKey(data: secret)
    }

    /// A signer with a fresh random key: sessions end when the process does.
    public static func random() -> SessionSigner {
        SessionSigner(key: SymmetricKey(size: .bits256))
    }

    init(key: SymmetricKey) { self.key = key }

    /// The cookie value of `session`: `v1.<payload>.<signature>`, both base64url.
    func cookieValue(_ session: ConsoleSession) -> String {
        let payload = Base64URL.encode((try? JSONEncoder().encode(session)) ?? Data())
        return "v1.\(payload).\(signature(of: "v1.\(payload)"))"
    }

    /// The session in a cookie value, if it is well formed, correctly signed and not expired at `now`.
    func session(fromCookie value: String, now: Int64) -> ConsoleSession? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1" else { return nil }
        let expected = signature(of: "v1.\(parts[1])")
        guard Self.constantTimeEqual(expected, String(parts[2])),
              let payload = Base64URL.decode(String(parts[1])),
              let session = try? JSONDecoder().decode(ConsoleSession.self, from: payload),
              session.expiresAt > now else { return nil }
        return session
    }

    /// The CSRF token of every form of `session` (or, before login, of the login nonce).
    func csrfToken(for sessionId: String) -> String {
        signature(of: "csrf.\(sessionId)")
    }

    /// Whether `token` is the CSRF token of `sessionId`.
    func verifyCSRF(_ token: String?, for sessionId: String) -> Bool {
        guard let token else { return false }
        return Self.constantTimeEqual(csrfToken(for: sessionId), token)
    }

    func signature(of text: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Base64 with the URL and cookie safe alphabet and no padding.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
