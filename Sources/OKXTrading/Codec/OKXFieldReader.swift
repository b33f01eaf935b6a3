import TradingCore

/// Turns OKX's string fields into typed values. OKX sends every number as a string and uses `""`
/// for "not applicable" (the price of a market order, the fill fields of a push without a fill), so
/// empty means absent, and anything else must parse or the message is refused with the field named.
struct OKXFieldReader {
    /// The path prefix for error messages, e.g. `orders.data[2]`.
    let path: String

    func text(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    func required(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> String {
        guard let text = text(value) else { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "is missing or empty") }
        return text
    }

    func price(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> Price? {
        guard let text = text(value) else { return nil }
        do { return try Price(parsing: text) } catch { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "'\(text)' is not a price: \(error)") }
    }

    func quantity(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> Quantity? {
        guard let text = text(value) else { return nil }
        do { return try Quantity(parsing: text) } catch { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "'\(text)' is not a quantity: \(error)") }
    }

    /// A signed amount (fees, positions).
    func money(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> Money? {
        guard let text = text(value) else { return nil }
        do { return try Money(parsing: text) } catch { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "'\(text)' is not a decimal: \(error)") }
    }

    func time(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> Timestamp? {
        guard let text = text(value) else { return nil }
        guard let time = Timestamp(millisecondsText: text) else {
            throw OKXDecodeFailure(field: "\(path).\(name)", reason: "'\(text)' is not a time in Unix milliseconds")
        }
        return time
    }

    func instrument(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> InstrumentId {
        let text = try required(value, name)
        do { return try InstrumentId(parsing: text) } catch { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "\(error)") }
    }

    func side(_ value: String?, _ name: String) throws(OKXDecodeFailure) -> Side {
        let text = try required(value, name)
        guard let side = Side(rawValue: text) else { throw OKXDecodeFailure(field: "\(path).\(name)", reason: "'\(text)' is neither buy nor sell") }
        return side
    }

    func clientOrderId(_ value: String?) -> ClientOrderId? {
        text(value).map { ClientOrderId($0) }
    }
}
