/// A forward-only JSON reader over the bytes of one frame.
///
/// It never copies: strings come back as byte ranges of the frame, numbers are parsed in place, and
/// everything the decoder does not need is skipped. It validates what it reads (structure, string
/// termination, literal spelling) so a truncated or mangled frame is an error, not a wrong value.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index: Int = 0
    /// `bytes.baseAddress`, read only where `index < count` was checked (so never nil there).
    @usableFromInline let base: UnsafePointer<UInt8>?
    @usableFromInline let count: Int

    /// OKX messages are 4 levels deep at most; anything past this is refused before it can exhaust the stack.
    static let maximumDepth = 32

    init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
        self.bytes = bytes
        self.index = index
        self.base = bytes.baseAddress
        self.count = bytes.count
    }

    var isAtEnd: Bool { index >= count }

    /// The byte at `position`; the caller has checked `position < count`.
    @inline(__always) private func byte(at position: Int) -> UInt8 {
        base.unsafelyUnwrapped[position]
    }

    @inline(__always) mutating func skipWhitespace() {
        var position = index
        // Frames from OKX carry no whitespace: one comparison decides the common case.
        while position < count {
            let next = byte(at: position)
            guard next <= 0x20, next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09 else { break }
            position &+= 1
        }
        index = position
    }

    /// The next non-whitespace byte, without consuming it.
    @inline(__always) mutating func peek() throws(OKXDecodeError) -> UInt8 {
        skipWhitespace()
        guard index < count else { throw .malformedJSON(offset: index, reason: "unexpected end of frame (truncated?)") }
        return byte(at: index)
    }

    @inline(__always) mutating func expect(_ expected: UInt8) throws(OKXDecodeError) {
        let next = try peek()
        guard next == expected else {
            throw .malformedJSON(offset: index, reason: "expected '\(Character(Unicode.Scalar(expected)))', found \(Self.describe(next))")
        }
        index &+= 1
    }

    /// Consumes the byte `peek()` returned.
    @inline(__always) mutating func skipByte() {
        index &+= 1
    }

    /// Requires that only whitespace remains.
    mutating func expectEnd() throws(OKXDecodeError) {
        skipWhitespace()
        guard index == count else {
            throw .malformedJSON(offset: index, reason: "unexpected \(Self.describe(byte(at: index))) after the end of the message")
        }
    }

    // MARK: Objects and arrays

    /// Consumes `{`.
    @inline(__always) mutating func beginObject(field: StaticString) throws(OKXDecodeError) {
        guard try peek() == UInt8(ascii: "{") else { throw .wrongType(field: "\(field)", expected: "an object", offset: index) }
        index &+= 1
    }

    /// Consumes `[`.
    @inline(__always) mutating func beginArray(field: StaticString) throws(OKXDecodeError) {
        guard try peek() == UInt8(ascii: "[") else { throw .wrongType(field: "\(field)", expected: "an array", offset: index) }
        index &+= 1
    }

    /// The next key of the object being read (the `:` is consumed), or nil at its closing `}`.
    /// `isFirst` tracks whether a comma is due; start it at true.
    @inline(__always) mutating func nextKey(isFirst: inout Bool) throws(OKXDecodeError) -> JSONBytes? {
        // The compact layout OKX sends: `,"key":` (or `"key":` first) with no whitespace to skip.
        if index &+ 1 < count {
            let next = byte(at: index)
            if next == UInt8(ascii: ",") && !isFirst && byte(at: index &+ 1) == UInt8(ascii: "\"") {
                index &+= 1
                return try keyAtQuote()
            }
            if next == UInt8(ascii: "\"") && isFirst {
                isFirst = false
                return try keyAtQuote()
            }
        }
        return try nextKeyInGeneral(isFirst: &isFirst)
    }

    /// Reads `"key":` from the quote at `index` (the colon checked first without the whitespace
    /// skip, as compact frames have none before it).
    @inline(__always) private mutating func keyAtQuote() throws(OKXDecodeError) -> JSONBytes {
        let key = try readStringContents()
        if index < count && byte(at: index) == UInt8(ascii: ":") {
            index &+= 1
        } else {
            try expect(UInt8(ascii: ":"))
        }
        return key
    }

    /// ``nextKey(isFirst:)`` with whitespace and the closing brace.
    private mutating func nextKeyInGeneral(isFirst: inout Bool) throws(OKXDecodeError) -> JSONBytes? {
        var next = try peek()
        if next == UInt8(ascii: "}") {
            index &+= 1
            return nil
        }
        if !isFirst {
            guard next == UInt8(ascii: ",") else { throw .malformedJSON(offset: index, reason: "expected ',' or '}' in object, found \(Self.describe(next))") }
            index &+= 1
            next = try peek()
        }
        isFirst = false
        guard next == UInt8(ascii: "\"") else { throw .malformedJSON(offset: index, reason: "expected a quoted key, found \(Self.describe(next))") }
        return try keyAtQuote()
    }

    /// Whether another element of the array being read follows (its leading comma consumed); false at `]`.
    @inline(__always) mutating func nextElement(isFirst: inout Bool) throws(OKXDecodeError) -> Bool {
        let next = try peek()
        if next == UInt8(ascii: "]") {
            index &+= 1
            return false
        }
        if !isFirst {
            guard next == UInt8(ascii: ",") else { throw .malformedJSON(offset: index, reason: "expected ',' or ']' in array, found \(Self.describe(next))") }
            index &+= 1
        }
        isFirst = false
        return true
    }

    // MARK: Scalars

    /// Reads a JSON string and returns its raw contents (escapes left in place, see ``JSONBytes/hasEscapes``).
    @inline(__always) mutating func readString(field: StaticString) throws(OKXDecodeError) -> JSONBytes {
        guard try peek() == UInt8(ascii: "\"") else { throw .wrongType(field: "\(field)", expected: "a string", offset: index) }
        return try readStringContents()
    }

    /// Reads a string whose opening quote is at `index`.
    ///
    /// Eight bytes at a time: a word with no quote, backslash or control byte is skipped whole, so a
    /// typical OKX value ("30243.5", "1652459226050") costs one or two word tests instead of a loop per byte.
    @inline(__always) private mutating func readStringContents() throws(OKXDecodeError) -> JSONBytes {
        let open = index
        let start = open &+ 1
        var position = start
        var hasEscapes = false
        let count = self.count
        while true {
            while position &+ 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base.unsafelyUnwrapped + position).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(in: word)
                if special != 0 {
                    position &+= special.trailingZeroBitCount &>> 3
                    break
                }
                position &+= 8
            }
            guard position < count else { break }
            let next = byte(at: position)
            if next == UInt8(ascii: "\"") {
                index = position &+ 1
                return JSONBytes(bytes: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: position &- start),
                                 offset: start, hasEscapes: hasEscapes)
            }
            if next == UInt8(ascii: "\\") {
                hasEscapes = true
                position &+= 2
                continue
            }
            if next < 0x20 {
                index = position
                throw .malformedJSON(offset: position, reason: "control character inside a string")
            }
            position &+= 1
        }
        index = position
        throw .malformedJSON(offset: open, reason: "string never closed (truncated?)")
    }

    /// A mask with the high bit set in (at least) the lowest byte of `word` that is a quote, a backslash
    /// or a control character; zero when there is none. Bytes above the lowest flagged one may be
    /// flagged falsely (borrows), so only the lowest is meaningful.
    @inline(__always) static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & highBits
    }

    /// Reads a JSON number token (no quotes) and returns its bytes.
    mutating func readNumberToken(field: StaticString) throws(OKXDecodeError) -> JSONBytes {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw .wrongType(field: "\(field)", expected: "a number", offset: index)
        }
        let start = index
        var position = index &+ 1
        scan: while position < count {
            switch byte(at: position) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                position &+= 1
            default:
                break scan
            }
        }
        index = position
        return JSONBytes(bytes: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: position &- start),
                         offset: start, hasEscapes: false)
    }

    /// Skips one complete value of any type, validating its structure.
    mutating func skipValue(depth: Int = 0) throws(OKXDecodeError) {
        guard depth < Self.maximumDepth else { throw .nestingTooDeep(offset: index) }
        let next = try peek()
        switch next {
        case UInt8(ascii: "\""):
            _ = try readStringContents()
        case UInt8(ascii: "{"):
            index &+= 1
            var isFirst = true
            while try nextKey(isFirst: &isFirst) != nil { try skipValue(depth: depth &+ 1) }
        case UInt8(ascii: "["):
            index &+= 1
            var isFirst = true
            while try nextElement(isFirst: &isFirst) { try skipValue(depth: depth &+ 1) }
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
        guard index + length <= count else { throw .malformedJSON(offset: index, reason: "unexpected end of frame inside a literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
        for offset in 0..<length where byte(at: index + offset) != expected[offset] {
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
        guard let mine = bytes.baseAddress else { return true }
        let other = literal.utf8Start
        var position = 0
        while position < length {
            if mine[position] != other[position] { return false }
            position &+= 1
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
