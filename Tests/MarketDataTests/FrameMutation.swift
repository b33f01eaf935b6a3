import MarketData

/// Seeded damage to real frames for the codec's robustness tests: each edit replaces, deletes or
/// inserts one byte, drawn from JSON's punctuation, digits, letters of its literals and a few
/// control and non-ASCII bytes.
enum FrameMutation {
    static let alphabet = Array(#"{}[]",:0123456789.-eE"\ ntrufals"#.utf8) + [0x00, 0xFF, 0x7F, 0x0A]

    /// `line` with one to `maximumEdits` random edits.
    static func mutated(_ line: String, maximumEdits: UInt64, random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(line.utf8)
        for _ in 0...(random.next() % maximumEdits) {
            guard !bytes.isEmpty else { break }
            let position = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            case 1: bytes.remove(at: position)
            default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
            }
        }
        return bytes
    }
}
