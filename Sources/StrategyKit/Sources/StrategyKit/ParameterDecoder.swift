import TradingCore

/// Why a manifest's parameters do not fit a strategy's `Parameters` type. ``path`` names the field,
/// e.g. `parameters.fast_period` or `parameters.levels[2].size`.
public struct ParameterDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field that is wrong, from the manifest's root (`parameters.…`).
    public var path: String
    /// What is wrong with it and what was expected.
    public var reason: String

    /// Creates an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Decodes a ``ParameterValue`` tree into a strategy's `Decodable` parameters type.
///
/// Strict on purpose, because a typo in a manifest should not trade with a default: numbers decode
/// only into numeric types (an integer field refuses `2.5` and `"2"`), strings only into strings
/// and string-backed enums, decimals (`FixedPoint`, `Price`, `Quantity`, `Money`) from a number or
/// its text, and a key the type never reads is refused as unknown. A field `fastPeriod` reads the
/// manifest's `fast_period`: no CodingKeys block is needed for snake_case keys.
public struct ParameterDecoder {
    /// The name of the root in error paths (`parameters`).
    public var rootName: String
    /// Whether map keys the type does not read are refused (the default).
    public var refusesUnknownKeys: Bool

    /// Creates a decoder.
    public init(rootName: String = "parameters", refusesUnknownKeys: Bool = true) {
        self.rootName = rootName
        self.refusesUnknownKeys = refusesUnknownKeys
    }

    /// Decodes `value` as `type`. A null or absent root decodes as an empty map.
    /// - Throws: ``ParameterDecodingError`` naming the field that did not fit.
    public func decode<T: Decodable>(_ type: T.Type, from value: ParameterValue) throws(ParameterDecodingError) -> T {
        let root: ParameterValue = value == .null ? .object([:]) : value
        let tracker = KeyUsageTracker()
        let decoder = ParameterValueDecoder(value: root, codingPath: [], tracker: tracker)
        let result: T
        do {
            result = try decoder.decodeValue(T.self, at: [])
        } catch let error as DecodingError {
            throw translate(error)
        } catch let error as ParameterDecodingError {
            throw error
        } catch {
            throw ParameterDecodingError(path: rootName, reason: "\(error)")
        }
        // A type that reads no keys at all (e.g. NoParameters) never opens the root map.
        if refusesUnknownKeys, case .object(let members) = root, let first = members.keys.min(), !tracker.openedRoot {
            throw ParameterDecodingError(path: "\(rootName).\(first)", reason: "unknown parameter (the strategy does not read it; check the spelling)")
        }
        if refusesUnknownKeys, let unused = tracker.firstUnusedKey() {
            throw ParameterDecodingError(path: render(unused), reason: "unknown parameter (the strategy does not read it; check the spelling)")
        }
        return result
    }

    private func translate(_ error: DecodingError) -> ParameterDecodingError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            ParameterDecodingError(path: render(context.codingPath), reason: context.debugDescription)
        case .keyNotFound(let key, let context):
            ParameterDecodingError(path: render(context.codingPath + [key]), reason: "missing (required by the strategy)")
        @unknown default:
            ParameterDecodingError(path: rootName, reason: "\(error)")
        }
    }

    private func render(_ path: [any CodingKey]) -> String {
        var text = rootName
        for key in path {
            if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += ".\(key.stringValue)"
            }
        }
        return text
    }
}

/// A coding key for paths the decoder builds itself.
struct ParameterCodingKey: CodingKey {
    /// `fastPeriod` as a manifest writes it: `fast_period` (an underscore before each capital that
    /// follows a lower-case letter or digit, that capital lowered); other text is left as it is.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let before = previous, before.isLowercase || before.isNumber {
                result.append("_")
                result += character.lowercased()
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }

    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    init(intValue: Int) { self.stringValue = "Index \(intValue)"; self.intValue = intValue }
}

/// Remembers which map keys were read, to refuse the ones nobody read.
final class KeyUsageTracker {
    private var maps: [(path: [any CodingKey], keys: [String])] = []
    private var used: Set<String> = []

    /// Whether the root map was opened as a keyed container.
    var openedRoot: Bool { maps.contains { $0.path.isEmpty } }

    func opened(path: [any CodingKey], keys: [String]) { maps.append((path, keys.sorted())) }
    func read(path: [any CodingKey], key: String) { used.insert(Self.identity(path) + "\u{0}" + key) }

    func firstUnusedKey() -> [any CodingKey]? {
        for map in maps {
            let prefix = Self.identity(map.path) + "\u{0}"
            if let key = map.keys.first(where: { !used.contains(prefix + $0) }) {
                return map.path + [ParameterCodingKey(stringValue: key)]
            }
        }
        return nil
    }

    private static func identity(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "#\($0)" } ?? $0.stringValue }.joined(separator: "\u{1}")
    }
}

struct ParameterValueDecoder: Decoder {
    let value: ParameterValue
    let codingPath: [any CodingKey]
    let tracker: KeyUsageTracker
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "expected a map, found \(value.kindDescription)"))
        }
        tracker.opened(path: codingPath, keys: Array(members.keys))
        return KeyedDecodingContainer(KeyedParameterContainer<Key>(members: members, codingPath: codingPath, tracker: tracker))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "expected a list, found \(value.kindDescription)"))
        }
        return UnkeyedParameterContainer(elements: elements, codingPath: codingPath, tracker: tracker)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleParameterContainer(decoder: self)
    }

    /// Decodes `T` from this decoder's value, with exact handling of decimal types.
    func decodeValue<T: Decodable>(_ type: T.Type, at path: [any CodingKey]) throws -> T {
        if let special = try decodeDecimal(type) { return special }
        return try T(from: self)
    }

    private func decodeDecimal<T>(_ type: T.Type) throws -> T? {
        let isDecimal = type == FixedPoint.self || type == Price.self || type == Quantity.self || type == Money.self
        guard isDecimal else { return nil }
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string
        default:
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected a decimal number, found \(value.kindDescription)"))
        }
        let fixed: FixedPoint
        do {
            fixed = try FixedPoint(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "expected an exact decimal number: \(error.description)"))
        }
        if (type == Price.self || type == Quantity.self) && fixed.isNegative {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "must not be negative, found \(text)"))
        }
        switch type {
        case is Price.Type: return Price(fixed) as? T
        case is Quantity.Type: return Quantity(fixed) as? T
        case is Money.Type: return Money(fixed) as? T
        default: return fixed as? T
        }
    }

    func child(_ value: ParameterValue, key: any CodingKey) -> ParameterValueDecoder {
        ParameterValueDecoder(value: value, codingPath: codingPath + [key], tracker: tracker)
    }
}

struct SingleParameterContainer: SingleValueDecodingContainer {
    let decoder: ParameterValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: ParameterValue { decoder.value }

    func decodeNil() -> Bool { value == .null }

    private func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
        let found: String
        switch value {
        case .number(let text): found = "the number \(text)"
        case .string(let text): found = "the string \"\(text)\""
        case .bool(let flag): found = "the boolean \(flag)"
        default: found = value.kindDescription
        }
        return DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(found)"))
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(type, "true or false") }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = value else { throw mismatch(type, "a string") }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let text) = value, let number = Double(text), number.isFinite else { throw mismatch(type, "a number") }
        return number
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let text) = value else { throw mismatch(type, "an integer") }
        guard let number = I(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "expected an integer in \(I.min)...\(I.max), found \(text)"))
        }
        return number
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type, at: codingPath) }
}

struct KeyedParameterContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: ParameterValue]
    let codingPath: [any CodingKey]
    let tracker: KeyUsageTracker

    var allKeys: [Key] { members.keys.sorted().compactMap { Key(stringValue: $0) } }

    /// The manifest's spelling of `key`: the key itself when the map has it (a dictionary's keys,
    /// explicit CodingKeys), else its snake_case form, so a field `fastPeriod` reads
    /// `fast_period` without a CodingKeys block.
    private func member(_ key: Key) -> String {
        members[key.stringValue] != nil ? key.stringValue : ParameterCodingKey.snakeCase(key.stringValue)
    }

    func contains(_ key: Key) -> Bool {
        let name = member(key)
        tracker.read(path: codingPath, key: name)
        return members[name] != nil
    }

    private func childDecoder(_ key: Key) throws -> ParameterValueDecoder {
        let name = member(key)
        tracker.read(path: codingPath, key: name)
        guard let value = members[name] else {
            throw DecodingError.keyNotFound(ParameterCodingKey(stringValue: name), .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return ParameterValueDecoder(value: value, codingPath: codingPath + [ParameterCodingKey(stringValue: name)], tracker: tracker)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        let name = member(key)
        tracker.read(path: codingPath, key: name)
        return (members[name] ?? .null) == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let decoder = try childDecoder(key)
        return try decoder.decodeValue(type, at: decoder.codingPath)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try childDecoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try childDecoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ParameterValueDecoder(value: .object(members), codingPath: codingPath, tracker: tracker)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try childDecoder(key) }
}

struct UnkeyedParameterContainer: UnkeyedDecodingContainer {
    let elements: [ParameterValue]
    let codingPath: [any CodingKey]
    let tracker: KeyUsageTracker
    var currentIndex = 0

    init(elements: [ParameterValue], codingPath: [any CodingKey], tracker: KeyUsageTracker) {
        self.elements = elements
        self.codingPath = codingPath
        self.tracker = tracker
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func nextDecoder() throws -> ParameterValueDecoder {
        let key = ParameterCodingKey(intValue: currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [key], debugDescription: "the list has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return ParameterValueDecoder(value: elements[currentIndex], codingPath: codingPath + [key], tracker: tracker)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try nextDecoder()
        return try decoder.decodeValue(type, at: decoder.codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nextDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try nextDecoder() }
}
