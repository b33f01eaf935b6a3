import TradingCore

/// Remembers the instrument ids already seen, so the hot path turns `"BTC-USDT"` bytes into an
/// `InstrumentId` without parsing, hashing with SipHash or allocating: the id's bytes packed into a
/// ``SymbolKey`` pick one slot of a small direct-mapped table, and one key comparison confirms it.
/// A feed interleaving tens of instruments stays on that path; collisions fall back to a dictionary.
struct InstrumentCache {
    /// Every id with a ``SymbolKey``, in the order first seen.
    private var known: [ResolvedInstrument] = []
    /// `known[i].key`, apart: a slot is confirmed without copying the whole entry.
    private var knownKeys: [SymbolKey] = []
    /// Direct-mapped: a key's slot holds the index in `known` of the last id seen there, or -1.
    private var slots: [Int32] = []
    /// Every entry of `known` by key (for ids whose slot another id took).
    private var positions: [SymbolKey: Int] = [:]
    /// Ids longer than ``SymbolKey`` holds (no OKX id is today), by FNV-1a hash of their bytes.
    private var longEntries: [UInt64: InstrumentId] = [:]
    /// A feed subscribes to tens of instruments; the bound only guards against a hostile stream of ids.
    private static let capacity = 4096
    private static let slotBits = 8

    @inline(__always)
    mutating func instrument(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> ResolvedInstrument {
        if let key = SymbolKey(text.bytes), !slots.isEmpty {
            let position = Int(slots[key.slot(bits: Self.slotBits)])
            if position >= 0 && knownKeys[position] == key { return known[position] }
        }
        return try lookUp(text, field: field)
    }

    private mutating func lookUp(_ text: JSONBytes, field: StaticString) throws(OKXDecodeError) -> ResolvedInstrument {
        if slots.isEmpty { slots = Array(repeating: -1, count: 1 << Self.slotBits) }
        let key = SymbolKey(text.bytes)
        if let key, let position = positions[key] {
            slots[key.slot(bits: Self.slotBits)] = Int32(position)
            return known[position]
        }
        let hash = Self.fnv1a(text.bytes)
        if key == nil, let cached = longEntries[hash], Self.symbol(cached.symbol, equals: text.bytes) {
            return ResolvedInstrument(id: cached, key: nil)
        }
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
        let resolved = ResolvedInstrument(id: instrument, key: key)
        if let key, known.count < Self.capacity {
            positions[key] = known.count
            slots[key.slot(bits: Self.slotBits)] = Int32(known.count)
            known.append(resolved)
            knownKeys.append(key)
        } else if key == nil, longEntries.count < Self.capacity {
            longEntries[hash] = instrument
        }
        return resolved
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

/// An instrument id together with the key of its text, so a frame's other mentions of the id
/// (`data[].instId`) are checked against it with a few word comparisons.
struct ResolvedInstrument {
    let id: InstrumentId
    /// Nil for ids longer than ``SymbolKey`` holds.
    let key: SymbolKey?

    /// Whether `text` is this instrument's id, byte for byte.
    @inline(__always) func isNamed(by text: JSONBytes) -> Bool {
        if let key { return SymbolKey(text.bytes) == key }
        return InstrumentCache.symbol(id.symbol, equals: text.bytes)
    }
}

/// The bytes of an instrument id of up to 32 bytes, packed into four words (the length and
/// overlapping little-endian loads determine the bytes exactly), so comparing two ids is five
/// integer comparisons and reading one never allocates.
struct SymbolKey: Hashable {
    let length: Int
    let words: (UInt64, UInt64, UInt64, UInt64)

    static let maximumLength = 32

    /// Nil for texts longer than ``maximumLength``.
    @inline(__always) init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        guard length <= Self.maximumLength else { return nil }
        self.length = length
        guard let base = bytes.baseAddress, length > 0 else {
            words = (0, 0, 0, 0)
            return
        }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func load(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        switch length {
        case 8...16:
            words = (load(0), load(length &- 8), 0, 0)
        case 17...24:
            words = (load(0), load(8), load(length &- 8), 0)
        case 25...:
            words = (load(0), load(8), load(16), load(length &- 8))
        default:
            var word: UInt64 = 0
            var position = 0
            while position < length {
                word |= UInt64(base[position]) &<< (UInt64(position) &* 8)
                position &+= 1
            }
            words = (word, 0, 0, 0)
        }
    }

    /// A slot in a table of `1 << bits` entries (multiplicative hashing of the words).
    @inline(__always) func slot(bits: Int) -> Int {
        let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
        let mixed = (words.0 &* golden) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ words.2 ^ (words.3 &* 0x1656_67B1_9E37_79F9)
            ^ UInt64(truncatingIfNeeded: length)
        return Int(truncatingIfNeeded: (mixed &* golden) &>> UInt64(64 &- bits))
    }

    static func == (lhs: SymbolKey, rhs: SymbolKey) -> Bool {
        lhs.length == rhs.length && lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(length)
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
