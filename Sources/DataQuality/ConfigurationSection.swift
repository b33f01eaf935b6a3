/// A string coding key, so that a section can list its keys and refuse unknown ones.
struct ConfigurationKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Reads one mapping of the `quality:` configuration: refuses keys it does not know, turns
/// decoding failures into errors that name the field, and falls back to a base value for every
/// key that is absent (the global value for a per-instrument override, the default otherwise).
struct ConfigurationSection {
    let container: KeyedDecodingContainer<ConfigurationKey>
    /// The section's path, e.g. `quality.price`.
    let path: String

    init(_ container: KeyedDecodingContainer<ConfigurationKey>, path: String, knownKeys: [String]) throws(QualityConfigurationError) {
        self.container = container
        self.path = path
        for key in container.allKeys where !knownKeys.contains(key.stringValue) {
            throw .unknownKey(field: "\(path).\(key.stringValue)", knownKeys: knownKeys)
        }
    }

    func field(_ key: String) -> String { "\(path).\(key)" }

    func contains(_ key: String) -> Bool { container.contains(ConfigurationKey(key)) }

    /// A nested mapping, or nil when the key is absent.
    func section(_ key: String, knownKeys: [String]) throws(QualityConfigurationError) -> ConfigurationSection? {
        guard contains(key) else { return nil }
        let nested: KeyedDecodingContainer<ConfigurationKey>
        do {
            nested = try container.nestedContainer(keyedBy: ConfigurationKey.self, forKey: ConfigurationKey(key))
        } catch {
            throw .wrongType(field: field(key), expected: "a mapping")
        }
        return try ConfigurationSection(nested, path: field(key), knownKeys: knownKeys)
    }

    func value<Value: Decodable>(_ key: String, _ type: Value.Type, expected: String) throws(QualityConfigurationError) -> Value? {
        guard contains(key) else { return nil }
        do {
            return try container.decode(Value.self, forKey: ConfigurationKey(key))
        } catch {
            throw .wrongType(field: field(key), expected: expected)
        }
    }

    func bool(_ key: String, base: Bool) throws(QualityConfigurationError) -> Bool {
        try value(key, Bool.self, expected: "true or false") ?? base
    }

    /// An integer within `range`.
    func integer(_ key: String, base: Int, in range: ClosedRange<Int>) throws(QualityConfigurationError) -> Int {
        guard let parsed = try value(key, Int.self, expected: "a whole number") else { return base }
        guard range.contains(parsed) else {
            throw .invalidValue(field: field(key), value: String(parsed), requirement: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return parsed
    }

    /// A duration in whole milliseconds within `range`, returned in nanoseconds.
    func milliseconds(_ key: String, baseNanoseconds: Int64, in range: ClosedRange<Int>) throws(QualityConfigurationError) -> Int64 {
        guard let parsed = try value(key, Int.self, expected: "a whole number of milliseconds") else { return baseNanoseconds }
        guard range.contains(parsed) else {
            throw .invalidValue(field: field(key), value: String(parsed),
                                requirement: "must be between \(range.lowerBound) and \(range.upperBound) milliseconds")
        }
        return Int64(parsed) * 1_000_000
    }

    /// A finite number that `isValid` accepts.
    func number(_ key: String, base: Double, requirement: String, _ isValid: (Double) -> Bool) throws(QualityConfigurationError) -> Double {
        guard let parsed = try value(key, Double.self, expected: "a number") else { return base }
        guard parsed.isFinite, isValid(parsed) else {
            throw .invalidValue(field: field(key), value: String(parsed), requirement: requirement)
        }
        return parsed
    }

    /// One of `allowed`.
    func action(_ key: String, base: QualityRules.OutlierAction, allowed: [QualityRules.OutlierAction]) throws(QualityConfigurationError) -> QualityRules.OutlierAction {
        let names = allowed.map(\.rawValue)
        guard let text = try value(key, String.self, expected: "one of \(names.joined(separator: ", "))") else { return base }
        guard let parsed = QualityRules.OutlierAction(rawValue: text), allowed.contains(parsed) else {
            throw .invalidValue(field: field(key), value: text, requirement: "must be one of \(names.joined(separator: ", "))")
        }
        return parsed
    }
}
