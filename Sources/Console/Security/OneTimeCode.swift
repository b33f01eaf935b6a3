import Foundation
import HummingbirdOTP

/// TOTP one-time codes (RFC 6238: 30-second steps, 6 digits, SHA-1, what authenticator apps
/// use) for users with two_factor_enabled. A code of the step before or after is accepted too,
/// for clocks a little apart; which step matched is returned so it can be spent only once.
public enum OneTimeCode {
    /// Seconds per step.
    public static let step: Int64 = 30

    /// The step `code` belongs to, or nil when it matches none near `now` (seconds since the epoch).
    public static func matchingStep(_ code: String, secret: String, now: Int64) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits) else { return nil }
        let current = now / step
        return [current, current - 1, current + 1].first { candidate in
            candidate >= 0 && HOTP(secret: secret).compute(counter: UInt64(candidate)) == value
        }
    }

    /// The code of `secret` at `now`, as an authenticator app shows it.
    public static func code(secret: String, now: Int64) -> String {
        let value = HOTP(secret: secret).compute(counter: UInt64(max(0, now) / step))
        return String(format: "%06d", value)
    }

    /// A new random secret (32 characters; the app receives it base32-encoded in the URL).
    public static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The `otpauth://` URL an authenticator app scans or imports for `username`.
    public static func authenticatorURL(secret: String, username: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: username, issuer: "ea-okx")
    }
}
