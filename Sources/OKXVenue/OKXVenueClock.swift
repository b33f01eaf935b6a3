import MarketData
import OKXTrading
import Synchronization
import TradingCore

/// OKX's clock as this process sees it: the wall clock corrected by the offset measured against
/// `GET /api/v5/public/time` (``OKXClockOffset``). Every time handed to the pure core (request
/// timestamps, `expTime`, the order state machines' inputs) comes from here.
public final class OKXVenueClock: Sendable {
    private let offset = Mutex(OKXClockOffset())
    private let local: @Sendable () -> Timestamp

    /// A clock over `local` (the wall clock unless a test supplies another).
    public init(local: @escaping @Sendable () -> Timestamp = { WallClock.now() }) {
        self.local = local
    }

    /// The local clock, uncorrected (for measuring round trips).
    public func localNow() -> Timestamp { local() }

    /// Now on OKX's clock.
    public func now() -> Timestamp { offset.withLock { $0.venueTime(local()) } }

    /// The current offset estimate.
    public var estimate: OKXClockOffset { offset.withLock { $0 } }

    /// Adds a `/public/time` sample.
    public func record(sentAt: Timestamp, receivedAt: Timestamp, serverTime: Timestamp) {
        offset.withLock { _ = $0.record(sentAt: sentAt, receivedAt: receivedAt, serverTime: serverTime) }
    }
}
