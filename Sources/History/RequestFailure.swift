/// Why one request did not give a page.
public enum RequestFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// An HTTP status other than 200, with OKX's code and message when the body carried them.
    case http(status: Int, code: String?, message: String?)
    /// HTTP 200 with an OKX error code.
    case okx(code: String, message: String)
    /// No complete response: refused or dropped connection, timeout.
    case transport(String)
    /// A body that is not a well-formed page.
    case malformed(String)

    /// OKX codes that mean "later": 50011 rate limit, 50001 service unavailable, 50004 endpoint
    /// timeout, 50013 system busy, 50026 system error.
    static let transientOKXCodes: Set<String> = ["50011", "50001", "50004", "50013", "50026"]

    /// Whether asking again may succeed.
    public var isTransient: Bool {
        switch self {
        case .http(let status, let code, _): status == 429 || status >= 500 || code.map(Self.transientOKXCodes.contains) == true
        case .okx(let code, _): Self.transientOKXCodes.contains(code)
        case .transport: true
        case .malformed: false
        }
    }

    /// Whether OKX said we asked too often (then its window is full, whatever we counted).
    public var isRateLimit: Bool {
        switch self {
        case .http(let status, let code, _): status == 429 || code == "50011"
        case .okx(let code, _): code == "50011"
        case .transport, .malformed: false
        }
    }

    public var description: String {
        switch self {
        case .http(let status, let code, let message):
            "HTTP \(status)" + (code.map { ", OKX code \($0)" } ?? "") + (message.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
        case .okx(let code, let message): "OKX code \(code)" + (message.isEmpty ? "" : ": \(message)")
        case .transport(let reason): "no response: \(reason)"
        case .malformed(let reason): "malformed page: \(reason)"
        }
    }
}
