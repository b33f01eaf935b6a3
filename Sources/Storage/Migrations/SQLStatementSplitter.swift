/// Splits a SQL script into its statements at top-level semicolons, respecting quoted
/// strings and identifiers, dollar-quoted bodies (`$$ ... $$`, `$tag$ ... $tag$`) and
/// comments, so that the migrator can run and name each statement on its own.
enum SQLStatementSplitter {
    static func split(_ script: String) -> [String] {
        let bytes = Array(script.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        var hasContent = false
        func flush(upTo end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasContent && !text.isEmpty { statements.append(text) }
            hasContent = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                var depth = 1
                index += 2
                while index < bytes.count && depth > 0 {
                    if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") { depth += 1; index += 2; continue }
                    if bytes[index] == UInt8(ascii: "*") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/") { depth -= 1; index += 2; continue }
                    index += 1
                }
                continue
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                hasContent = true
                index += 1
                while index < bytes.count {
                    if bytes[index] == byte {
                        if index + 1 < bytes.count && bytes[index + 1] == byte { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                continue
            case UInt8(ascii: "$"):
                hasContent = true
                // A dollar quote: $tag$ where tag is empty or an identifier not starting with a digit.
                var tagEnd = index + 1
                while tagEnd < bytes.count && (isIdentifier(bytes[tagEnd])) { tagEnd += 1 }
                if tagEnd < bytes.count && bytes[tagEnd] == UInt8(ascii: "$")
                    && (tagEnd == index + 1 || !isDigit(bytes[index + 1])) {
                    let tag = Array(bytes[index...tagEnd])
                    var search = tagEnd + 1
                    while search + tag.count <= bytes.count && Array(bytes[search..<(search + tag.count)]) != tag { search += 1 }
                    index = min(bytes.count, search + tag.count)
                    continue
                }
                index += 1
                continue
            case UInt8(ascii: ";"):
                flush(upTo: index)
                start = index + 1
                index += 1
                continue
            default:
                if !isSpace(byte) { hasContent = true }
                index += 1
            }
        }
        flush(upTo: bytes.count)
        return statements
    }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || isDigit(byte) || byte == 0x5F
    }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
}
