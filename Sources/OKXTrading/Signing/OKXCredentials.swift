/// An OKX API key with its secret and passphrase.
///
/// Only ever built from the environment or a file only its owner can read (see
/// ``OKXCredentialsLoader``), never from configuration that is stored or logged. The secret and the
/// passphrase never appear in ``description``, ``debugDescription`` or a mirror (`dump`, string
/// interpolation of the value), so logging a credentials value by mistake leaks only the key.
public struct OKXCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
                              CustomReflectable {
    /// The API key (`OK-ACCESS-KEY`): not secret on its own, shown abbreviated in descriptions.
    public let apiKey: String
    /// The HMAC key for `OK-ACCESS-SIGN`.
    let secret: String
    /// The API key's passphrase (`OK-ACCESS-PASSPHRASE`), chosen when the key was created.
    let passphrase: String

    /// Checks that no part is empty or padded: a stray newline in a secret makes every signature
    /// wrong (`50113`), which is much harder to diagnose than this error.
    public init(apiKey: String, secret: String, passphrase: String) throws(OKXCredentialsError) {
        for (field, value) in [("api key", apiKey), ("secret", secret), ("passphrase", passphrase)] {
            guard !value.isEmpty else { throw .missing(field: field, source: "the given value") }
            guard value.trimmingWhitespace == value else { throw .padded(field: field) }
        }
        self.apiKey = apiKey
        self.secret = secret
        self.passphrase = passphrase
    }

    /// The key's first four characters: enough to tell keys apart in a log, not to use one.
    public var description: String { "OKXCredentials(apiKey: \(apiKey.prefix(4))…, secret: <redacted>, passphrase: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    /// The passphrase to send as `OK-ACCESS-PASSPHRASE` (OKX wants it in clear, over TLS).
    public var passphraseForHeader: String { passphrase }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
