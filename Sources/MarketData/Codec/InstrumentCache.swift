import TradingCore

/// Remembers the instrument ids already seen, so the hot path turns `"BTC-USDT"` bytes into an
/// `InstrumentId` with one hash lookup instead of parsing and allocating every time.
struct InstrumentCache {
    private var entries: [UInt64: InstrumentId] = [:]
    /// A feed subscribes to tens of instruments; the bound only guards against a hostile stream of ids.
    private static let capacity = 4096

    mutating func instrument(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> InstrumentId {
        let key = Self.fnv1a(text.bytes)
        if let cached = entries[key], Self.symbol(cached.symbol, equals: text.bytes) { return cached }
        let string = text.text
        guard !text.hasEscapes, !text.isEmpty else {
            throw .invalidValue(field: "\(field)", value: string, reason: "an instrument id is non-empty plain ASCII")
        }
        let instrument: InstrumentId
        do {
            instrument = try InstrumentId(parsing: string)
        } catch {
            throw .invalidValue(field: "\(field)", value: string, reason: error.reason)
        }
        if entries.count < Self.capacity { entries[key] = instrument }
        return instrument
    }

    static func symbol(_ symbol: String, equals bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var symbol = symbol
        return symbol.withUTF8 { utf8 in
            utf8.count == bytes.count && (bytes.isEmpty || memcmpBytes(utf8, bytes))
        }
    }

    private static func memcmpBytes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        while position < lhs.count {
            if lhs[position] != rhs[position] { return false }
            position += 1
        }
        return true
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
