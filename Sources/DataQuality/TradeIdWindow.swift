/// The trade ids of one instrument seen recently, bounded both by count and by time.
///
/// Two fixed-size structures, neither of which grows past its capacity however long the run:
/// - a ring buffer of (key, event time) in arrival order, which decides what to forget: the
///   oldest entry goes when the ring is full, and any entry at the head whose event time has
///   left the window goes before each check;
/// - an open-addressing hash set (linear probing, at most half full, backward-shift deletion so
///   no tombstones accumulate) that answers "seen?" in O(1).
///
/// Storage starts small and doubles on demand up to the configured capacity, so a quiet
/// instrument costs little; from then on no check allocates.
struct TradeIdWindow {
    /// The largest capacity the configuration accepts (16 Mi ids: 16 B ring + 16 B table each).
    static let maximumCapacity = 1 << 24
    private static let initialCapacity = 64

    /// The configured bound on remembered ids.
    let capacity: Int
    /// How long (event time, nanoseconds) an id is remembered.
    let windowNanoseconds: Int64

    private var ringKeys: [UInt64]
    private var ringTimes: [Int64]
    private var head = 0
    /// How many ids are remembered now.
    private(set) var count = 0
    private var table: [UInt64]
    private var tableMask: Int
    private var tableShift: UInt64
    /// Ids forgotten because the ring was full while they were still inside the time window:
    /// a sign that `dedup.capacity` is too small for the instrument's trade rate.
    private(set) var earlyEvictions: UInt64 = 0

    init(capacity: Int, windowNanoseconds: Int64) {
        precondition(capacity >= 1 && capacity <= Self.maximumCapacity, "dedup capacity out of range")
        self.capacity = capacity
        self.windowNanoseconds = windowNanoseconds
        let ringCapacity = min(capacity, Self.initialCapacity)
        ringKeys = Array(repeating: 0, count: ringCapacity)
        ringTimes = Array(repeating: 0, count: ringCapacity)
        (table, tableMask, tableShift) = Self.makeTable(forRingCapacity: ringCapacity)
    }

    /// The ring's current allocated size (at most ``capacity``).
    var ringCapacity: Int { ringKeys.count }
    /// The hash table's current allocated size (a power of two, at least twice ``ringCapacity``).
    var tableCapacity: Int { table.count }

    /// Whether `key` is remembered.
    func contains(_ key: DedupKey) -> Bool {
        var slot = home(key.rawValue)
        while true {
            let stored = table[slot]
            if stored == key.rawValue { return true }
            if stored == 0 { return false }
            slot = (slot &+ 1) & tableMask
        }
    }

    /// Forgets every id at the head of the ring whose event time is before `now - window`.
    /// Entries are in arrival order, not strictly time order; an old entry behind a younger head
    /// waits for the head (bounded by the count anyway).
    mutating func forgetExpired(now: Int64) {
        let horizon = now &- windowNanoseconds
        while count > 0, ringTimes[head] < horizon {
            removeHead()
        }
    }

    /// Remembers `key` (not already remembered) seen at event time `time`.
    mutating func insert(_ key: DedupKey, time: Int64) {
        if count == ringKeys.count {
            if ringKeys.count < capacity {
                grow()
            } else {
                earlyEvictions &+= 1
                removeHead()
            }
        }
        var tail = head + count
        if tail >= ringKeys.count { tail -= ringKeys.count }
        ringKeys[tail] = key.rawValue
        ringTimes[tail] = time
        count += 1
        insertIntoTable(key.rawValue)
    }

    // MARK: - Ring

    private mutating func removeHead() {
        removeFromTable(ringKeys[head])
        head += 1
        if head == ringKeys.count { head = 0 }
        count -= 1
    }

    private mutating func grow() {
        let newCapacity = min(capacity, ringKeys.count * 2)
        var keys = [UInt64](repeating: 0, count: newCapacity)
        var times = [Int64](repeating: 0, count: newCapacity)
        for offset in 0..<count {
            var index = head + offset
            if index >= ringKeys.count { index -= ringKeys.count }
            keys[offset] = ringKeys[index]
            times[offset] = ringTimes[index]
        }
        ringKeys = keys
        ringTimes = times
        head = 0
        (table, tableMask, tableShift) = Self.makeTable(forRingCapacity: newCapacity)
        for offset in 0..<count { insertIntoTable(ringKeys[offset]) }
    }

    // MARK: - Hash set

    private static func makeTable(forRingCapacity ringCapacity: Int) -> ([UInt64], Int, UInt64) {
        var size = 8
        while size < ringCapacity * 2 { size *= 2 }
        return ([UInt64](repeating: 0, count: size), size - 1, UInt64(64 - size.trailingZeroBitCount))
    }

    /// Fibonacci hashing: sequential trade ids spread evenly over the table.
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> tableShift)
    }

    private mutating func insertIntoTable(_ key: UInt64) {
        var slot = home(key)
        while table[slot] != 0 {
            if table[slot] == key { return }
            slot = (slot &+ 1) & tableMask
        }
        table[slot] = key
    }

    private mutating func removeFromTable(_ key: UInt64) {
        var slot = home(key)
        while table[slot] != key {
            if table[slot] == 0 { return }
            slot = (slot &+ 1) & tableMask
        }
        // Backward-shift deletion: pull later members of the probe run into the hole when their
        // home is not cyclically inside (hole, position], so every key stays reachable.
        var hole = slot
        var next = (slot &+ 1) & tableMask
        while table[next] != 0 {
            let homeOfNext = home(table[next])
            let reachableWithoutHole = hole <= next
                ? (hole < homeOfNext && homeOfNext <= next)
                : (hole < homeOfNext || homeOfNext <= next)
            if !reachableWithoutHole {
                table[hole] = table[next]
                hole = next
            }
            next = (next &+ 1) & tableMask
        }
        table[hole] = 0
    }
}
