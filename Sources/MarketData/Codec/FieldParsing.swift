import TradingCore

/// Turning the bytes of one field into a domain value, with an error that names the field.
enum FieldParsing {
    /// The latest millisecond timestamp that still fits `Timestamp`'s nanoseconds in an Int64 (year 2262).
    static let maximumMilliseconds: Int64 = Int64.max / 1_000_000

    @inline(__always)
    static func price(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Price {
        if let value = plainDecimal(text.bytes) { return Price(value) }
        return try parsedPrice(text, field: field)
    }

    @inline(__always)
    static func quantity(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Quantity {
        if let value = plainDecimal(text.bytes) { return Quantity(value) }
        return try parsedQuantity(text, field: field)
    }

    /// The common shape of an OKX price or size, read in one short loop: up to 19 digits with at most
    /// one '.' that has digits on both sides and at most 12 after it (`"30243.5"`, `"0.00000938"`,
    /// `"100"`). Every such text means the same to `FixedPoint.parse`, which reads everything else
    /// (and explains what is wrong): nil sends the text there.
    @inline(__always)
    static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> FixedPoint? {
        let count = bytes.count
        guard count > 0, count <= 19, let base = bytes.baseAddress else { return nil }
        var mantissa: UInt64 = 0
        var point = -1
        var position = 0
        while position < count {
            let digit = base[position] &- UInt8(ascii: "0")
            if digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
            } else if base[position] == UInt8(ascii: ".") && point < 0 && position > 0 {
                point = position
            } else {
                return nil
            }
            position &+= 1
        }
        var fractionDigits = 0
        if point >= 0 {
            fractionDigits = count &- 1 &- point
            guard fractionDigits > 0, fractionDigits <= FixedPoint.decimalPlaces else { return nil }
        }
        // At most 19 digits (< 2^64) times at most 10^12: always fits in 128 bits.
        let product = mantissa.multipliedFullWidth(by: powerOfTen(FixedPoint.decimalPlaces &- fractionDigits))
        return FixedPoint(raw: Int128(UInt128(product.high) << 64 | UInt128(product.low)))
    }

    /// `10^exponent` for `0 ... 12`.
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        default: 1_000_000_000_000
        }
    }

    @inline(never)
    static func parsedPrice(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Price {
        guard !text.hasEscapes else { throw .invalidValue(field: "\(field)", value: text.text, reason: "a price is plain decimal text") }
        switch Price.parse(text.bytes) {
        case .success(let price): return price
        case .failure(let error): throw .invalidValue(field: "\(field)", value: text.text, reason: error.description)
        }
    }

    @inline(never)
    static func parsedQuantity(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> Quantity {
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
        // Up to 18 digits cannot overflow: no checks per digit.
        if text.count > 0, text.count <= 18, let base = text.bytes.baseAddress {
            var value: Int64 = 0
            var position = 0
            var valid = true
            while position < text.count {
                let digit = base[position] &- UInt8(ascii: "0")
                valid = valid && digit < 10
                value = value &* 10 &+ Int64(digit)
                position &+= 1
            }
            if valid && value <= maximum { return value }
        }
        return try checkedUnsignedInteger(text, field: field, maximum: maximum)
    }

    @inline(never)
    static func checkedUnsignedInteger(_ text: JSONBytes, field: StaticString, maximum: Int64) throws(OKXDecodeError) -> Int64 {
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
