import Foundation

/// How the console runs: where it listens, how sessions are signed and how long they last,
/// the password policy and the failed-login limit.
public struct ConsoleConfiguration: Sendable {
    /// Where to listen (127.0.0.1:8080 by default).
    public var address: ConsoleAddress
    /// Signs session cookies and CSRF tokens.
    public var signer: SessionSigner
    /// How long a login lasts, in seconds (8 hours: a desk's shift).
    public var sessionLifetime: Int64
    /// Password length and bcrypt cost.
    public var passwords: PasswordPolicy
    /// Failed logins per username and per client address within ``loginFailureWindow``
    /// before further attempts are refused.
    public var loginFailureLimit: Int
    /// Seconds over which failed logins count.
    public var loginFailureWindow: Int64
    /// Set `Secure` on cookies: only when a TLS proxy fronts the console (it speaks plain HTTP).
    public var secureCookies: Bool
    /// How pages name the database (no password).
    public var databaseName: String
    /// Seconds since the epoch, now; tests move it to expire sessions.
    public var clock: @Sendable () -> Int64

    /// Creates a configuration; the defaults suit a desk on this machine.
    public init(address: ConsoleAddress = .standard, signer: SessionSigner = .random(), sessionLifetime: Int64 = 8 * 3600,
                passwords: PasswordPolicy = .standard, loginFailureLimit: Int = 5, loginFailureWindow: Int64 = 15 * 60,
                secureCookies: Bool = false, databaseName: String = "database",
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.address = address
        self.signer = signer
        self.sessionLifetime = sessionLifetime
        self.passwords = passwords
        self.loginFailureLimit = loginFailureLimit
        self.loginFailureWindow = loginFailureWindow
        self.secureCookies = secureCookies
        self.databaseName = databaseName
        self.clock = clock
    }
}
