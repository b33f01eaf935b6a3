import Crypto
import Foundation
import TradingCore

/// Signs OKX private requests. Pure: the time is passed in (server time, i.e. the local clock
/// corrected by the measured offset; OKX refuses a timestamp more than 30 s off with `50102`).
///
/// - REST: `OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body))`
///   where `timestamp` is ISO 8601 UTC with milliseconds, `requestPath` includes the query string
///   (forgetting it is the classic `50113` bug) and `body` is the exact JSON text sent (empty for GET).
/// - WebSocket login: the same HMAC over `timestamp + "GET" + "/users/self/verify"` with the
///   timestamp in whole Unix seconds.
public struct OKXRequestSigner: Sendable {
    /// The key that signs.
    public let credentials: OKXCredentials
    /// Live or demo: demo adds `x-simulated-trading: 1`.
    public let environment: OKXEnvironment

    public init(credentials: OKXCredentials, environment: OKXEnvironment) {
        self.credentials = credentials
        self.environment = environment
    }

    /// The `OK-ACCESS-TIMESTAMP` text for `time`, e.g. `2020-12-08T09:08:57.715Z`.
    public static func restTimestamp(_ time: Timestamp) -> String { time.description }

    /// The signature over an already formatted timestamp (exposed for test vectors).
    public func signature(prehash: String) -> String {
        let key = SymmetricKey(data: Array(credentials.secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(prehash.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// The headers of a private REST request: sign exactly the `requestPath` (with its query) and
    /// `body` bytes that will be sent. `expiresAt` becomes the `expTime` header (place and amend:
    /// OKX discards the request, `50037`, if it is processed later).
    public func restHeaders(method: OKXHTTPMethod, requestPath: String, body: String, at time: Timestamp,
                            expiresAt: Timestamp? = nil) -> [OKXHeader] {
        let timestamp = Self.restTimestamp(time)
        var headers = [
            OKXHeader(name: "OK-ACCESS-KEY", value: credentials.apiKey),
            OKXHeader(name: "OK-ACCESS-SIGN", value: signature(prehash: timestamp + method.rawValue + requestPath + body)),
            OKXHeader(name: "OK-ACCESS-TIMESTAMP", value: timestamp),
            OKXHeader(name: "OK-ACCESS-PASSPHRASE", value: credentials.passphraseForHeader),
            OKXHeader(name: "Content-Type", value: "application/json"),
        ]
        if let header = environment.simulatedTradingHeader { headers.append(header) }
        if let expiresAt { headers.append(OKXHeader(name: "expTime", value: String(expiresAt.millisecondsSinceEpoch))) }
        return headers
    }

    /// The WebSocket `login` arguments for `time` (valid for 30 s after it).
    public func login(at time: Timestamp) -> OKXLoginArguments {
        let seconds = String(time.nanosecondsSinceEpoch / 1_000_000_000)
        return OKXLoginArguments(apiKey: credentials.apiKey, passphrase: credentials.passphraseForHeader, timestamp: seconds,
                                 sign: signature(prehash: seconds + "GET" + "/users/self/verify"))
    }
}

/// The REST methods OKX's private API uses.
public enum OKXHTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
}

/// The one argument of a WebSocket `login` op.
public struct OKXLoginArguments: Sendable, Hashable, CustomStringConvertible {
    /// The API key.
    public var apiKey: String
    /// The key's passphrase.
    public var passphrase: String
    /// Unix seconds, as text.
    public var timestamp: String
    /// Base64 HMAC-SHA256 of `timestamp + "GET" + "/users/self/verify"`.
    public var sign: String

    /// Redacts the passphrase and signature: a login frame in a log must not be replayable.
    public var description: String { "login(apiKey: \(apiKey.prefix(4))…, timestamp: \(timestamp))" }
}
