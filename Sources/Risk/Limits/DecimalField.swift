import TradingCore

/// A decimal read from YAML or JSON exactly: quoted text is parsed digit for digit; a bare
/// integer is taken as is; a bare fractional number is read through its shortest round-trip
/// text (what the author typed in every practical case).
struct DecimalField: Decodable {
    let value: FixedPoint

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let field = decoder.codingPath.last?.stringValue ?? "value"
        if let text = try? container.decode(String.self) {
            guard let parsed = try? FixedPoint(parsing: text.trimmingSpaces()) else {
                throw RiskLimitsError.notANumber(field: field, value: text)
            }
            value = parsed
        } else if let integer = try? container.decode(Int64.self) {
            value = FixedPoint(raw: Int128(integer) * FixedPoint.scale)
        } else if let double = try? container.decode(Double.self) {
            let text = "\(double)"
            guard double.isFinite, let parsed = try? FixedPoint(parsing: text) else {
                throw RiskLimitsError.notANumber(field: field, value: text)
            }
            value = parsed
        } else {
            throw RiskLimitsError.notANumber(field: field, value: "(not a scalar)")
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " { slice.removeFirst() }
        while let last = slice.last, last == " " { slice.removeLast() }
        return String(slice)
    }
}

/// A coding key for any field name, so decoders can list and refuse unknown fields.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Helpers shared by the limit decoders: exact decimals, integers, and the range checks
/// that name the offending field.
struct LimitFieldReader {
    let container: KeyedDecodingContainer<AnyCodingKey>

    init(_ decoder: any Decoder, known: [String]) throws {
        container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw RiskLimitsError.unknownField(field: key.stringValue, known: known)
        }
    }

    func contains(_ field: String) -> Bool { container.contains(AnyCodingKey(field)) }

    /// An optional decimal that must be greater than zero (and at most `maximum` if given).
    func positiveDecimal(_ field: String, maximum: FixedPoint? = nil, reason: String = "") throws -> FixedPoint? {
        let key = AnyCodingKey(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        let value = try container.decode(DecimalField.self, forKey: key).value
        guard value.isPositive else {
            throw RiskLimitsError.invalidValue(field: field, value: value.description,
                                               reason: "it must be greater than zero (leave it out for no limit)")
        }
        if let maximum, value > maximum {
            throw RiskLimitsError.invalidValue(field: field, value: value.description,
                                               reason: "it must be at most \(maximum)\(reason.isEmpty ? "" : ": \(reason)")")
        }
        return value
    }

    /// An optional whole number within `range`.
    func integer(_ field: String, in range: ClosedRange<Int>) throws -> Int? {
        let key = AnyCodingKey(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        let value = try container.decode(DecimalField.self, forKey: key).value
        guard value.raw % FixedPoint.scale == 0 else {
            throw RiskLimitsError.invalidValue(field: field, value: value.description, reason: "it must be a whole number")
        }
        let whole = value.raw / FixedPoint.scale
        guard whole >= Int128(range.lowerBound), whole <= Int128(range.upperBound) else {
            throw RiskLimitsError.invalidValue(field: field, value: value.description,
                                               reason: "it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int(whole)
    }

    func bool(_ field: String) throws -> Bool? {
        let key = AnyCodingKey(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let value = try? container.decode(Bool.self, forKey: key) { return value }
        let text = (try? container.decode(String.self, forKey: key)) ?? "(not a scalar)"
        throw RiskLimitsError.invalidValue(field: field, value: text, reason: "it must be true or false")
    }

    func actions(_ field: String) throws -> RiskActions? {
        let key = AnyCodingKey(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        return try container.decode(RiskActions.self, forKey: key)
    }
}
