#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The strategy callback in progress, published for a watchdog on another thread.
///
/// Swift cannot preempt a callback, so a strategy whose callback never returns (a loop, a lock,
/// a blocking call) would wedge its host for good. Each callback publishes its start here (three
/// relaxed stores, a few nanoseconds); ``HostWatchdog`` samples it and, when one runs past its
/// limit, ends the host in a way a supervisor restart recovers from.
public final class CallbackWatch: Sendable {
    /// Monotonic start of the callback in progress, in nanoseconds; 0 when none runs.
    private let startedAt = Atomic<Int64>(0)
    /// Which runner (its index in the engine) and callback (its ``StrategyCallback/ordinal``).
    private let slot = Atomic<Int>(0)
    private let callback = Atomic<UInt8>(0)
    /// The thread running it (pthread_t), for its CPU clock.
    private let thread = Atomic<UInt>(0)

    public init() {}

    /// A callback of runner `slot` started at `now` (monotonic nanoseconds) on this thread.
    @inline(__always)
    func begin(slot: Int, callback: StrategyCallback, now: Int64) {
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        self.slot.store(slot, ordering: .relaxed)
        self.callback.store(callback.ordinal, ordering: .relaxed)
        startedAt.store(now, ordering: .releasing)
    }

    /// The callback returned (or threw).
    @inline(__always)
    func end() { startedAt.store(0, ordering: .releasing) }

    /// The callback in progress: its start, runner slot, callback and thread; nil when none runs.
    func current() -> (startedAt: Int64, slot: Int, callback: StrategyCallback, thread: pthread_t)? {
        let started = startedAt.load(ordering: .acquiring)
        guard started != 0 else { return nil }
        let ordinal = callback.load(ordering: .relaxed)
        return (started, slot.load(ordering: .relaxed), StrategyCallback.allCases.first { $0.ordinal == ordinal } ?? .start,
                pthread_t(thread.load(ordering: .relaxed)))
    }
}

extension StrategyCallback {
    /// A small number per callback, stored atomically on every call: a switch (no allocation,
    /// unlike searching `allCases`, which builds an array each time).
    var ordinal: UInt8 {
        switch self {
        case .start: 0
        case .stop: 1
        case .ticker: 2
        case .trade: 3
        case .candle: 4
        case .book: 5
        case .orderAccepted: 6
        case .orderRejected: 7
        case .fill: 8
        case .orderCanceled: 9
        case .bar: 10
        }
    }
}
