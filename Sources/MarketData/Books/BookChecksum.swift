import TradingCore

/// OKX's order-book checksum: CRC32 of `bid1px:bid1sz:ask1px:ask1sz:bid2px:...` over the top 25 levels
/// of each side (when one side runs out the other continues alone), read as a signed 32-bit integer.
///
/// Prices and sizes are written in OKX's canonical decimal form (no exponent, no trailing zeros), which is
/// how OKX sends them; the text is fed straight into the CRC from a stack buffer, nothing is allocated.
public enum BookChecksum {
    /// How many levels per side OKX includes.
    public static let depth = 25

    /// The checksum of `book` as OKX computes it.
    public static func compute(_ book: OrderBook) -> Int32 {
        compute(bids: book.bids, asks: book.asks)
    }

    /// The checksum of the given sides (bids best first, asks best first).
    public static func compute(bids: [BookLevel], asks: [BookLevel]) -> Int32 {
        var crc = CRC32()
        var needsSeparator = false
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            func feed(_ value: FixedPoint) {
                if needsSeparator { crc.update(UInt8(ascii: ":")) }
                needsSeparator = true
                let length = value.write(into: buffer)
                crc.update(UnsafeBufferPointer(rebasing: buffer[..<length]))
            }
            for index in 0..<depth {
                if index < bids.count {
                    feed(bids[index].price.value)
                    feed(bids[index].size.value)
                }
                if index < asks.count {
                    feed(asks[index].price.value)
                    feed(asks[index].size.value)
                }
            }
        }
        return Int32(bitPattern: crc.value)
    }

    /// The text OKX checksums, for diagnostics and tests (allocates).
    public static func checkString(bids: [BookLevel], asks: [BookLevel]) -> String {
        var parts: [String] = []
        for index in 0..<depth {
            if index < bids.count { parts += [bids[index].price.description, bids[index].size.description] }
            if index < asks.count { parts += [asks[index].price.description, asks[index].size.description] }
        }
        return parts.joined(separator: ":")
    }
}
