import TradingCore

/// Turning the bytes of one field into a domain value, with an error that names the field.
enum FieldParsing {
    /// The latest millisecond timestamp that still fits `Timestamp`'s nanoseconds in an Int64 (year 2262).
    static let maximumMilliseconds: Int64 = Int64.max / 1_000_000

    @inline(__always)
    static func price(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Price {
        guard !text.hasEscapes else { throw .invalidValue(field: "\(field)", value: text.text, reason: "a price is plain decimal text") }
        switch Price.parse(text.bytes) {
        case .success(let price): return price
        case .failure(let error): throw .invalidValue(field: "\(field)", value: text.text, reason: error.description)
        }
    }

    @inline(__always)
    static func quantity(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Quantity {
        guard !text.hasEscapes else { throw .invalidValue(field: "\(field)", value: text.text, reason: "a size is plain decimal text") }
        switch Quantity.parse(text.bytes) {
        case .success(let quantity): return quantity
        case .failure(let error): throw .invalidValue(field: "\(field)", value: text.text, reason: error.description)
        }
    }

    /// A price that OKX sends as "" when there is none (an empty book side in a ticker).
    @inline(__always)
    static func optionalPrice(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Price? {
        text.isEmpty ? nil : try price(text, field: field)
    }

    @inline(__always)
    static func optionalQuantity(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Quantity? {
        text.isEmpty ? nil : try quantity(text, field: field)
    }

    /// A non-negative decimal integer written as text (`"1652459199958"`, `"3"`), at most `maximum`.
    @inline(__always)
    static func unsignedInteger(_ text: JSONBytes, field: StaticString, maximum: Int64) throws(OKXDecodeError) -> Int64 {
        guard !text.isEmpty, text.count <= 19 else {
            throw .invalidValue(field: "\(field)", value: text.text, reason: text.isEmpty ? "empty, expected digits" : "too many digits")
        }
        var value: Int64 = 0
        for byte in text.bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw .invalidValue(field: "\(field)", value: text.text, reason: "expected only digits")
            }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw .invalidValue(field: "\(field)", value: text.text, reason: "number out of range") }
            value = sum
        }
        guard value <= maximum else { throw .invalidValue(field: "\(field)", value: text.text, reason: "larger than \(maximum)") }
        return value
    }

    /// An exchange time in milliseconds since the epoch, as text.
    @inline(__always)
    static func milliseconds(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: try unsignedInteger(text, field: field, maximum: maximumMilliseconds))
    }

    /// A JSON integer number token (`checksum`, `seqId`): optional '-', digits, no fraction or exponent.
    static func signedInteger(_ token: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Int64 {
        var bytes = token.bytes[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.count <= 19 else {
            throw .invalidValue(field: "\(field)", value: token.text, reason: "not an integer in the 64-bit range")
        }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw .invalidValue(field: "\(field)", value: token.text, reason: "expected an integer (no fraction or exponent)")
            }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw .invalidValue(field: "\(field)", value: token.text, reason: "number out of range") }
            value = sum
        }
        return negative ? -value : value
    }

    @inline(__always)
    static func side(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Side {
        if text.equals("buy") { return .buy }
        if text.equals("sell") { return .sell }
        throw .invalidValue(field: "\(field)", value: text.text, reason: "expected \"buy\" or \"sell\"")
    }
}
