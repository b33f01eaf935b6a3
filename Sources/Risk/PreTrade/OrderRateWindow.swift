/// The times of the last accepted orders in a fixed ring: counting the orders of the last
/// 60 s is a walk over expired entries, and recording one overwrites a slot. Sized once by
/// `max_orders_per_minute`, it never allocates afterwards.
struct OrderRateWindow {
    static let windowNanoseconds: Int64 = 60_000_000_000

    private var times: [Int64]
    private var oldest = 0
    private(set) var count = 0

    init(capacity: Int) {
        times = Array(repeating: 0, count: max(1, capacity))
    }

    var capacity: Int { times.count }

    /// Forgets the orders that left the window ending at `now`.
    mutating func expire(now: Int64) {
        let horizon = now &- Self.windowNanoseconds
        while count > 0 && times[oldest] <= horizon {
            oldest = oldest + 1 == times.count ? 0 : oldest + 1
            count -= 1
        }
    }

    /// Records an order at `now`; when the ring is full the oldest entry is overwritten.
    mutating func record(now: Int64) {
        var slot = oldest + count
        if slot >= times.count { slot -= times.count }
        times[slot] = now
        if count < times.count {
            count += 1
        } else {
            oldest = oldest + 1 == times.count ? 0 : oldest + 1
        }
    }
}
