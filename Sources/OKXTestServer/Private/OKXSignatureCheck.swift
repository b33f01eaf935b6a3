import Crypto
import Foundation
import TradingCore

/// How the fake server checks OKX's authentication, written from the documentation rather than with
/// the client's signer, so a shared mistake cannot make both sides agree.
enum OKXSignatureCheck {
    /// A refusal: HTTP status and OKX's code and message.
    struct Refusal: Error, Hashable {
        var status: Int
        var code: String
        var message: String
    }

    static func sign(_ prehash: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(prehash.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Checks a private REST request's headers: key, passphrase, timestamp (±30 s), signature over
    /// `timestamp + METHOD + path?query + body`, and demo vs live (`x-simulated-trading`).
    static func rest(method: String, uri: String, body: String, header: (String) -> String?, accounts: [OKXTestAccount],
                     now: Timestamp) -> Result<OKXTestAccount, Refusal> {
        func missing(_ name: String, _ code: String) -> Refusal {
            Refusal(status: 401, code: code, message: "Request header \(name) can not be empty.")
        }
        guard let key = header("OK-ACCESS-KEY"), !key.isEmpty else { return .failure(missing("OK-ACCESS-KEY", "50103")) }
        guard let passphrase = header("OK-ACCESS-PASSPHRASE"), !passphrase.isEmpty else { return .failure(missing("OK-ACCESS-PASSPHRASE", "50104")) }
        guard let timestamp = header("OK-ACCESS-TIMESTAMP"), !timestamp.isEmpty else { return .failure(missing("OK-ACCESS-TIMESTAMP", "50107")) }
        guard let signature = header("OK-ACCESS-SIGN"), !signature.isEmpty else { return .failure(missing("OK-ACCESS-SIGN", "50106")) }
        guard let account = accounts.first(where: { $0.apiKey == key }) else {
            return .failure(Refusal(status: 401, code: "50111", message: "Invalid OK-ACCESS-KEY."))
        }
        guard account.passphrase == passphrase else {
            return .failure(Refusal(status: 401, code: "50105", message: "Invalid OK-ACCESS-PASSPHRASE."))
        }
        guard let sent = isoTime(timestamp) else {
            return .failure(Refusal(status: 401, code: "50112", message: "Invalid OK-ACCESS-TIMESTAMP."))
        }
        guard abs(now.nanoseconds(since: sent)) <= 30_000_000_000 else {
            return .failure(Refusal(status: 401, code: "50102", message: "Timestamp request expired."))
        }
        guard sign(timestamp + method + uri + body, secret: account.secret) == signature else {
            return .failure(Refusal(status: 401, code: "50113", message: "Invalid Sign"))
        }
        let simulated = header("x-simulated-trading") == "1"
        guard simulated == account.isDemo else {
            return .failure(Refusal(status: 401, code: "50101", message: "APIKey does not match current environment."))
        }
        return .success(account)
    }

    /// Checks a WebSocket login: `sign = Base64(HMAC(secret, timestamp + "GET" + "/users/self/verify"))`,
    /// timestamp in Unix seconds within 30 s.
    static func login(apiKey: String, passphrase: String, timestamp: String, sign signature: String, accounts: [OKXTestAccount],
                      now: Timestamp) -> OKXTestAccount? {
        guard let account = accounts.first(where: { $0.apiKey == apiKey }), account.passphrase == passphrase,
              let seconds = Int64(timestamp), abs(now.nanosecondsSinceEpoch / 1_000_000_000 - seconds) <= 30,
              sign(timestamp + "GET" + "/users/self/verify", secret: account.secret) == signature else { return nil }
        return account
    }

    /// `2020-12-08T09:08:57.715Z` as a time.
    static func isoTime(_ text: String) -> Timestamp? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) else { return nil }
        return Timestamp(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
