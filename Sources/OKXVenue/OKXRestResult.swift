import OKXTrading
import TradingCore

/// A request that got no usable answer. `written` says whether any of it may have reached OKX:
/// then an order request's outcome is unknown and the order is looked up, never resent.
public struct OKXTransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the request may have reached OKX (a timeout, a drop after connecting, an unreadable answer).
    public var written: Bool
    /// What happened.
    public var reason: String

    public init(written: Bool, reason: String) {
        self.written = written
        self.reason = reason
    }

    public var description: String {
        "OKX request failed (\(written ? "it may have reached OKX" : "it never left")): \(reason)"
    }
}

/// The outcome of a place, cancel or amend request.
public enum OKXOrderCallResult: Sendable, Hashable {
    /// OKX answered (success or an error code, per order).
    case answered(OKXOrderAck)
    /// No usable answer.
    case failed(OKXTransportFailure)
}

/// The outcome of a lookup by client id.
public enum OKXLookupResult: Sendable, Hashable {
    case found(OKXOrderUpdate)
    /// `51603`: OKX has no such order.
    case notFound
    case failed(String)
}

/// Why a query (pending orders, fills, positions, time) failed, with what to do about it.
public struct OKXQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `GET /api/v5/...`.
    public var request: String
    /// What went wrong.
    public var reason: String
    /// OKX's error class when OKX answered with a code (authentication errors halt trading).
    public var errorClass: OKXErrorClass?
    /// OKX's error code when it answered with one (`50101`: the key is not of this environment).
    public var code: String?

    public var description: String {
        let advice = errorClass == .authentication ? "; check the API key, passphrase, clock and demo/live environment"
            : "; OKX may be unreachable or busy: try again later"
        return "\(request) failed: \(reason)\(advice)"
    }
}
