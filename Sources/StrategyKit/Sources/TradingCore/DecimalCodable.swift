/// Decimal amounts encode as their exact canonical text (`"42219.9"`), never as a binary float,
/// and decode from such text (a JSON number is refused: it may already have lost digits).
extension FixedPoint: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try FixedPoint(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Price: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try FixedPoint(from: decoder)
        guard !value.isNegative else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a price cannot be negative"))
        }
        self.init(value)
    }

    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension Quantity: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try FixedPoint(from: decoder)
        guard !value.isNegative else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a quantity cannot be negative"))
        }
        self.init(value)
    }

    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension Money: Codable {
    public init(from decoder: any Decoder) throws { self.init(try FixedPoint(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
