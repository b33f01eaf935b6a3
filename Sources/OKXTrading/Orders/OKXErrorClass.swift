/// What an OKX error code means for the order it answered, from the official error tables
/// (research notes §1.9), not from a library's retry list (Nautilus' list labels `50113` as a rate
/// limit; OKX says it is an invalid signature).
public enum OKXErrorClass: String, Sendable, Hashable, CaseIterable {
    /// Success (`0`).
    case success
    /// The venue refused the request: the order never became live. Never retried.
    case rejected
    /// The request was not executed because of a rate limit: the same request may be sent again
    /// (same `clOrdId`, fresh `expTime`) after the bucket's pause.
    case rateLimited
    /// The request may or may not have taken effect: the order is in doubt until looked up.
    /// Never resent, never reported rejected without venue evidence.
    case ambiguous
    /// The order a cancel/amend was for has already ended (or is already being canceled): not an
    /// error for the strategy; the order's terminal state is looked up.
    case orderAlreadyFinal
    /// The client order id is already in use by a pending order: an earlier send of this very order
    /// landed. Look it up and adopt it.
    case duplicateClientOrderId
    /// Keys, signature, clock, environment or permissions are wrong: stop trading, alert the operator.
    case authentication
    /// The WebSocket request itself was malformed or sent at the wrong time (login first, wrong URL).
    case protocolError

    /// Classifies an OKX `code`/`sCode`. Unknown codes are ambiguous: assuming "rejected" for a
    /// code we do not know could forget a live order; assuming "in doubt" only costs a lookup.
    public init(code: String) {
        if code == "0" { self = .success; return }
        if let known = Self.table[code] { self = known; return }
        self = .ambiguous
    }

    /// Whether trading must stop until an operator intervenes.
    public var haltsTrading: Bool { self == .authentication }

    private static let table: [String: OKXErrorClass] = {
        var table: [String: OKXErrorClass] = [:]
        // Only the codes the official tables describe; any other code stays ambiguous (a lookup).
        for code in ["51000", "51001", "51006", "51137", "51138", "51008", "51119", "51127", "51131", "51010", "51020",
                     "51121", "51174", "54109", "50037", "50036", "51024"] {
            table[code] = .rejected
        }
        for code in ["50011", "50061", "60014", "51113"] { table[code] = .rateLimited }
        for code in ["50004", "51149", "51054", "51412", "50001", "50013", "50026"] { table[code] = .ambiguous }
        // 51603 "order does not exist" answers a cancel/amend of an order that ended long ago; a
        // lookup's 51603 is read by the lookup itself (not found), not through this table.
        for code in ["51400", "51401", "51402", "51410", "51503", "51509", "51510", "51513", "51603"] { table[code] = .orderAlreadyFinal }
        table["51016"] = .duplicateClientOrderId
        for code in ["50101", "50102", "50103", "50104", "50105", "50106", "50107", "50110", "50111", "50113", "50119",
                     "60004", "60005", "60006", "60007", "60009", "60024", "60032"] {
            table[code] = .authentication
        }
        for code in ["60011", "60012", "60013", "60018", "64001", "64002", "64003"] { table[code] = .protocolError }
        return table
    }()
}

extension OKXErrorClass {
    /// Classifies an answer by its HTTP status first: OKX sends most errors with status 200 and a
    /// `code`, but a gateway in front of it answers 429 and 5xx on its own (often with no JSON).
    public init(httpStatus: Int, code: String?) {
        switch httpStatus {
        case 429: self = .rateLimited
        case 500...599: self = .ambiguous
        case 401, 403: self = code.map(OKXErrorClass.init(code:)) ?? .authentication
        default: self = code.map(OKXErrorClass.init(code:)) ?? .ambiguous
        }
    }
}
