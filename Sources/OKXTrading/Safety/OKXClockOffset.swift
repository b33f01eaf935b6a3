import TradingCore

/// The offset between the local clock and OKX's, from `GET /api/v5/public/time` samples.
///
/// Every time the venue reasons about (`expTime`, "not placed after expTime + skew", the request
/// timestamp OKX refuses beyond 30 s with `50102`) is OKX's time, so the shell converts with
/// ``venueTime(_:)``. A sample's error is at most half its round trip (the server stamped its time
/// somewhere between our send and our receive), so the sample with the shortest round trip wins,
/// and that half round trip widens the skew margin. A sample too slow to say anything useful
/// (``maximumUncertaintyNanoseconds``) is dropped: trusting it could move every request's timestamp
/// further from OKX's than the unmeasured local clock is.
public struct OKXClockOffset: Sendable, Hashable {
    /// OKX's clock minus ours, from the best sample.
    public private(set) var offsetNanoseconds: Int64 = 0
    /// Half the round trip of the best sample: how wrong ``offsetNanoseconds`` may be.
    public private(set) var uncertaintyNanoseconds: Int64 = .max
    /// OKX refuses requests whose timestamp is further off than this (`50102`).
    public static let okxToleranceNanoseconds: Int64 = 30_000_000_000
    /// The most a sample may be wrong by (half its round trip) and still be used: a quarter of
    /// OKX's tolerance, so a used sample can never by itself push a request out of it.
    public static let maximumUncertaintyNanoseconds: Int64 = okxToleranceNanoseconds / 4
    /// The shortest round trip of the samples dropped as too slow, for the refusal's message.
    public private(set) var shortestDroppedRoundTripNanoseconds: Int64?

    public init() {}

    /// Whether any sample was taken.
    public var isMeasured: Bool { uncertaintyNanoseconds != .max }

    /// A sample: the request left at `sentAt` and its answer (OKX's `ts`, `serverTime`) arrived at
    /// `receivedAt`, both on the local clock. Returns whether it became the best sample.
    @discardableResult
    public mutating func record(sentAt: Timestamp, receivedAt: Timestamp, serverTime: Timestamp) -> Bool {
        let roundTrip = receivedAt.nanoseconds(since: sentAt)
        guard roundTrip >= 0 else { return false }
        let uncertainty = roundTrip / 2
        guard uncertainty <= Self.maximumUncertaintyNanoseconds else {
            shortestDroppedRoundTripNanoseconds = min(shortestDroppedRoundTripNanoseconds ?? .max, roundTrip)
            return false
        }
        guard uncertainty < uncertaintyNanoseconds else { return false }
        let midpoint = sentAt.advanced(byNanoseconds: uncertainty)
        offsetNanoseconds = serverTime.nanoseconds(since: midpoint)
        uncertaintyNanoseconds = uncertainty
        return true
    }

    /// Forgets the samples (after a reconnect the path, and so the best round trip, may differ).
    public mutating func reset() { self = OKXClockOffset() }

    /// `local` on OKX's clock.
    public func venueTime(_ local: Timestamp) -> Timestamp { local.advanced(byNanoseconds: offsetNanoseconds) }

    /// The clock-skew margin for "not placed after expTime": the configured minimum plus what the
    /// offset may be wrong by.
    public func skewMarginMilliseconds(minimum: Int64) -> Int64 {
        guard isMeasured else { return max(minimum, Self.okxToleranceNanoseconds / 1_000_000) }
        return max(0, minimum) + (uncertaintyNanoseconds + 999_999) / 1_000_000
    }

    /// Why trading must not start: the local clock is so far off that OKX would refuse requests
    /// signed with it, or it was never measured. Nil when it is fine.
    public var startupRefusal: String? {
        guard isMeasured else {
            guard let dropped = shortestDroppedRoundTripNanoseconds else {
                return "the offset to OKX's clock was never measured (GET /api/v5/public/time)"
            }
            return "the offset to OKX's clock could not be measured: GET /api/v5/public/time took at best \(dropped / 1_000_000) ms "
                + "to answer, over the \(2 * Self.maximumUncertaintyNanoseconds / 1_000_000) ms a usable sample may take; "
                + "check the network (or OKX_REST_URL) and this machine's load, then start again"
        }
        let worst = abs(offsetNanoseconds) + uncertaintyNanoseconds
        guard worst < Self.okxToleranceNanoseconds / 2 else {
            return "the local clock is \(offsetNanoseconds / 1_000_000) ms off OKX's (±\(uncertaintyNanoseconds / 1_000_000) ms); fix the clock (NTP): requests are refused beyond 30 s (50102)"
        }
        return nil
    }
}
