/// A forward-only JSON reader over the bytes of one frame.
///
/// It never copies: strings come back as byte ranges of the frame, numbers are parsed in place, and
/// everything the decoder does not need is skipped. It validates what it reads (structure, string
/// termination, literal spelling) so a truncated or mangled frame is an error, not a wrong value.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index: Int = 0

    /// OKX messages are 4 levels deep at most; anything past this is refused before it can exhaust the stack.
    static let maximumDepth = 32

    init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var isAtEnd: Bool { index >= bytes.count }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    @inline(__always) mutating func peek() throws(OKXDecodeError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw .malformedJSON(offset: index, reason: "unexpected end of frame (truncated?)") }
        return bytes[index]
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(OKXDecodeError) {
        let next = try peek()
        guard next == byte else {
            throw .malformedJSON(offset: index, reason: "expected '\(Character(Unicode.Scalar(byte)))', found \(Self.describe(next))")
        }
        index += 1
    }

    /// Requires that only whitespace remains.
    mutating func expectEnd() throws(OKXDecodeError) {
        skipWhitespace()
        guard index == bytes.count else {
            throw .malformedJSON(offset: index, reason: "unexpected \(Self.describe(bytes[index])) after the end of the message")
        }
    }

    // MARK: Objects and arrays

    /// Consumes `{`.
    mutating func beginObject(field: StaticString) throws(OKXDecodeError) {
        guard try peek() == UInt8(ascii: "{") else { throw .wrongType(field: "\(field)", expected: "an object", offset: index) }
        index += 1
    }

    /// Consumes `[`.
    mutating func beginArray(field: StaticString) throws(OKXDecodeError) {
        guard try peek() == UInt8(ascii: "[") else { throw .wrongType(field: "\(field)", expected: "an array", offset: index) }
        index += 1
    }

    /// The next key of the object being read (the `:` is consumed), or nil at its closing `}`.
    /// `isFirst` tracks whether a comma is due; start it at true.
    mutating func nextKey(isFirst: inout Bool) throws(OKXDecodeError) -> JSONBytes? {
        let next = try peek()
        if next == UInt8(ascii: "}") {
            index += 1
            return nil
        }
        if !isFirst {
            guard next == UInt8(ascii: ",") else { throw .malformedJSON(offset: index, reason: "expected ',' or '}' in object, found \(Self.describe(next))") }
            index += 1
        }
        isFirst = false
        guard try peek() == UInt8(ascii: "\"") else { throw .malformedJSON(offset: index, reason: "expected a quoted key, found \(Self.describe(bytes[index]))") }
        let key = try readStringContents()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Whether another element of the array being read follows (its leading comma consumed); false at `]`.
    mutating func nextElement(isFirst: inout Bool) throws(OKXDecodeError) -> Bool {
        let next = try peek()
        if next == UInt8(ascii: "]") {
            index += 1
            return false
        }
        if !isFirst {
            guard next == UInt8(ascii: ",") else { throw .malformedJSON(offset: index, reason: "expected ',' or ']' in array, found \(Self.describe(next))") }
            index += 1
        }
        isFirst = false
        return true
    }

    // MARK: Scalars

    /// Reads a JSON string and returns its raw contents (escapes left in place, see ``JSONBytes/hasEscapes``).
    mutating func readString(field: StaticString) throws(OKXDecodeError) -> JSONBytes {
        guard try peek() == UInt8(ascii: "\"") else { throw .wrongType(field: "\(field)", expected: "a string", offset: index) }
        return try readStringContents()
    }

    /// Reads a string whose opening quote is at `index`.
    private mutating func readStringContents() throws(OKXDecodeError) -> JSONBytes {
        let open = index
        index += 1
        let start = index
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let contents = JSONBytes(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index]), offset: start, hasEscapes: hasEscapes)
                index += 1
                return contents
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index += 2
                continue
            }
            if byte < 0x20 { throw .malformedJSON(offset: index, reason: "control character inside a string") }
            index += 1
        }
        throw .malformedJSON(offset: open, reason: "string never closed (truncated?)")
    }

    /// Reads a JSON number token (no quotes) and returns its bytes.
    mutating func readNumberToken(field: StaticString) throws(OKXDecodeError) -> JSONBytes {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw .wrongType(field: "\(field)", expected: "a number", offset: index)
        }
        let start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                index += 1
            default:
                return JSONBytes(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index]), offset: start, hasEscapes: false)
            }
        }
        return JSONBytes(bytes: UnsafeBufferPointer(rebasing: bytes[start..<index]), offset: start, hasEscapes: false)
    }

    /// Skips one complete value of any type, validating its structure.
    mutating func skipValue(depth: Int = 0) throws(OKXDecodeError) {
        guard depth < Self.maximumDepth else { throw .nestingTooDeep(offset: index) }
        let next = try peek()
        switch next {
        case UInt8(ascii: "\""):
            _ = try readStringContents()
        case UInt8(ascii: "{"):
            index += 1
            var isFirst = true
            while try nextKey(isFirst: &isFirst) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            var isFirst = true
            while try nextElement(isFirst: &isFirst) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try readNumberToken(field: "value")
        default:
            throw .malformedJSON(offset: index, reason: "\(Self.describe(next)) cannot start a JSON value")
        }
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(OKXDecodeError) {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw .malformedJSON(offset: index, reason: "unexpected end of frame inside a literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
        for offset in 0..<length where bytes[index + offset] != expected[offset] {
            throw .malformedJSON(offset: index + offset, reason: "misspelled literal (expected \(literal))")
        }
        index += length
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }
}

/// The raw bytes of one JSON string's contents (or a number token) inside a frame.
struct JSONBytes {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the contents start in the frame, for error messages.
    let offset: Int
    /// Whether the contents contain backslash escapes (then they are not the literal text).
    let hasEscapes: Bool

    var count: Int { bytes.count }
    var isEmpty: Bool { bytes.isEmpty }

    /// Whether the bytes are exactly the ASCII text `literal`.
    @inline(__always) func equals(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard length == bytes.count else { return false }
        let other = literal.utf8Start
        var position = 0
        while position < length {
            if bytes[position] != other[position] { return false }
            position += 1
        }
        return true
    }

    /// Whether the bytes start with the ASCII text `prefix`.
    func hasPrefix(_ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard length <= bytes.count else { return false }
        let other = prefix.utf8Start
        for position in 0..<length where bytes[position] != other[position] { return false }
        return true
    }

    /// The text, with JSON escapes resolved (allocates; for identifiers, messages and errors, not prices).
    var text: String {
        guard hasEscapes else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\"), position + 1 < bytes.count else {
                output.append(byte)
                position += 1
                continue
            }
            let escaped = bytes[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                var scalarValue: UInt32 = 0
                var digits = 0
                while digits < 4 && position < bytes.count, let nibble = Self.hexValue(bytes[position]) {
                    scalarValue = scalarValue << 4 | UInt32(nibble)
                    digits += 1
                    position += 1
                }
                // A UTF-16 surrogate pair arrives as two escapes: combine them.
                if scalarValue >= 0xD800 && scalarValue < 0xDC00, position + 5 < bytes.count,
                   bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    var low: UInt32 = 0
                    var lowDigits = 0
                    while lowDigits < 4, let nibble = Self.hexValue(bytes[position + 2 + lowDigits]) {
                        low = low << 4 | UInt32(nibble)
                        lowDigits += 1
                    }
                    if lowDigits == 4 && low >= 0xDC00 && low < 0xE000 {
                        scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: output.append(escaped)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
