import TradingCore

/// OKX's immediate answer to one place, cancel or amend request (REST or WebSocket op): the
/// per-order `sCode`/`sMsg`, or the request-wide `code`/`msg` when the request failed as a whole.
///
/// An ack is not an outcome: `sCode 0` on a place means OKX received the order and gave it an id,
/// on a cancel or amend that the request was accepted; the result comes on the `orders` channel.
public struct OKXOrderAck: Sendable, Hashable {
    /// `clOrdId` echoed; nil when empty.
    public var clientOrderId: ClientOrderId?
    /// `ordId` OKX assigned; nil when the request failed.
    public var venueOrderId: VenueOrderId?
    /// `reqId` of an amend.
    public var amendRequestId: String?
    /// `sCode`, or the top-level `code` when the request failed without per-order results.
    public var code: String
    /// `sMsg`, or the request-wide `msg`.
    public var message: String
    /// What the code means for the order.
    public var errorClass: OKXErrorClass { OKXErrorClass(code: code) }

    public init(clientOrderId: ClientOrderId?, venueOrderId: VenueOrderId?, amendRequestId: String? = nil,
                code: String, message: String) {
        self.clientOrderId = clientOrderId
        self.venueOrderId = venueOrderId
        self.amendRequestId = amendRequestId
        self.code = code
        self.message = message
    }

    /// `code: message`, the reject reason stored on the order's row (peers that dropped `sCode`
    /// left their users guessing).
    public var reason: String { message.isEmpty ? "OKX \(code)" : "OKX \(code): \(message)" }
}
