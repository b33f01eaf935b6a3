import TradingCore

/// A trade id reduced to 64 bits for the dedup window, computed without allocating.
///
/// OKX trade ids are decimal integers: those (up to 18 digits, no leading zero) map exactly to
/// `value + 1`, so two different numeric ids never collide (`"0123"` is hashed, not read as 123). Any other id is hashed (FNV-1a, 64 bits, deterministic
/// across runs unlike `Hasher`) with the top bit set, so it cannot meet a numeric key; two such
/// ids collide with probability about 2^-63 per pair. Zero is never a key (it marks an empty slot).
struct DedupKey: Hashable {
    let rawValue: UInt64

    init(_ tradeId: TradeId) {
        // Over contiguous bytes (a small string is spilled to the stack), not the generic
        // UTF8View iterator, which decodes the string's representation byte by byte.
        if let key = tradeId.rawValue.utf8.withContiguousStorageIfAvailable({ Self.rawValue(of: $0) }) {
            rawValue = key
        } else {
            rawValue = Self.rawValue(of: tradeId.rawValue.utf8)
        }
    }

    private static func rawValue<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> UInt64 {
        var numeric: UInt64 = 0
        var digits = 0
        var isNumeric = true
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            if isNumeric {
                if byte >= 48, byte <= 57, digits < 18, !(digits == 1 && numeric == 0) {
                    numeric = numeric &* 10 &+ UInt64(byte - 48)
                    digits += 1
                } else {
                    isNumeric = false
                }
            }
        }
        return isNumeric && digits > 0 ? numeric + 1 : hash | (1 << 63)
    }

    init(rawValue: UInt64) {
        precondition(rawValue != 0, "zero marks an empty slot")
        self.rawValue = rawValue
    }
}
