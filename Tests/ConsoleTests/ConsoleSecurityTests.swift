@testable import Console
import Testing

/// The console's security pieces on their own: signed cookies, CSRF tokens, the password
/// policy, the listen address and the failed-login limit.
struct ConsoleSecurityTests {
    @Test func aSessionCookieIsRefusedWhenTamperedWithExpiredOrSignedWithAnotherKey() throws {
        let signer = try SessionSigner(secret: Array(repeating: 7, count: 32))
        let session = ConsoleSession(username: "tina", id: "abc", expiresAt: 1_000)
        let value = signer.cookieValue(session)
        #expect(signer.session(fromCookie: value, now: 999) == session)
        #expect(signer.session(fromCookie: value, now: 1_000) == nil, "expired")
        let forged = ConsoleSession(username: "admin", id: "abc", expiresAt: 1_000)
        let parts = value.split(separator: ".")
        let swapped = signer.cookieValue(forged).split(separator: ".")[1]
        #expect(signer.session(fromCookie: "v1.\(swapped).\(parts[2])", now: 0) == nil, "another payload under the same signature")
        #expect(SessionSigner.random().session(fromCookie: value, now: 0) == nil)
        for garbage in ["", "v1", "v1..", "v2.\(parts[1]).\(parts[2])", "v1.!!.??"] {
            #expect(signer.session(fromCookie: garbage, now: 0) == nil)
        }
        #expect(signer.verifyCSRF(signer.csrfToken(for: "abc"), for: "abc"))
        #expect(!signer.verifyCSRF(signer.csrfToken(for: "abd"), for: "abc"))
        #expect(!signer.verifyCSRF(nil, for: "abc"))
        #expect(throws: ConsoleError.invalidArgument(field: "session secret", reason: "31 bytes; at least 32 are needed")) {
            try SessionSigner(secret: Array(repeating: 1, count: 31))
        }
    }

    @Test func shortAndOverlongPasswordsAreRefusedNamingTheField() async throws {
        let policy = PasswordPolicy(minimumLength: 12, cost: 4)
        #expect(throws: ConsoleError.invalidArgument(field: "password", reason: "too short: 5 characters, at least 12 are needed")) {
            try policy.validate("short")
        }
        #expect(throws: ConsoleError.self) { try policy.validate(String(repeating: "x", count: 73)) }
        let hash = try await policy.hash("long enough password")
        #expect(hash.hasPrefix("$2"))
        #expect(try await policy.verify("long enough password", hash: hash))
        #expect(try await !policy.verify("long enough passwore", hash: hash))
        #expect(try await !policy.verify("long enough password", hash: nil))
    }

    @Test func theAddressIsHostColonPort() throws {
        #expect(try ConsoleAddress(parsing: "127.0.0.1:8080") == ConsoleAddress(host: "127.0.0.1", port: 8080))
        #expect(try ConsoleAddress(parsing: "[::1]:0") == ConsoleAddress(host: "::1", port: 0))
        #expect(throws: ConsoleError.invalidArgument(field: "--address", reason: "'8080x' is not a port number (0-65535)")) {
            try ConsoleAddress(parsing: "localhost:8080x")
        }
        #expect(throws: ConsoleError.self) { try ConsoleAddress(parsing: "localhost") }
        #expect(throws: ConsoleError.self) { try ConsoleAddress(parsing: ":80") }
        #expect(ConsoleAddress.standard.description == "127.0.0.1:8080")
    }

    @Test func failedLoginsAreLimitedWithinTheWindow() async {
        let throttle = LoginThrottle(limit: 3, window: 60)
        for second in 0..<3 { await throttle.fail(["user:a", "address:x"], now: Int64(second)) }
        #expect(await throttle.retryAfter(["user:a"], now: 10) == 50)
        #expect(await throttle.retryAfter(["address:x", "user:b"], now: 10) == 50)
        #expect(await throttle.retryAfter(["user:b"], now: 10) == nil)
        #expect(await throttle.retryAfter(["user:a"], now: 61) == nil, "the first failure left the window")
        await throttle.succeed("address:x")
        #expect(await throttle.retryAfter(["address:x"], now: 10) == nil)
    }

    @Test func formsDecodePercentAndPlus() {
        let form = FormFields(encoded: "username=t%C3%AFna&password=a+b%2Bc&csrf=&flag")
        #expect(form["username"] == "tïna" && form["password"] == "a b+c" && form["csrf"] == "" && form["flag"] == "")
        #expect(Console.safeBack("/risk?x=1") == "/risk?x=1")
        #expect(Console.safeBack("//evil.example") == nil && Console.safeBack("https://evil") == nil)
    }
}
