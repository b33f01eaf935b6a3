import TradingCore

/// Client order ids that never repeat, not even across restarts, crashes or a restored database.
///
/// OKX only refuses a `clOrdId` that a *pending* order uses; once an order has ended the same id is
/// accepted again, and a lookup by `clOrdId` returns the newest match. A repeated id would make an
/// in-doubt order look placed (the old order answers the lookup) and could double an order, so ids
/// here are unique forever:
///
/// `id = "r" + session (9 base-36 digits) + sequence (base 36)`, at most 1 + 9 + 13 = 23 characters
/// of ASCII letters and digits (OKX allows 32).
///
/// The session is a number chosen once per process start by ``nextSession(persistedHighWaterMark:now:)``:
/// the larger of the current time in milliseconds and the last persisted session plus one. The time
/// makes it unique when the persisted mark is lost (restored backup); the mark makes it unique when
/// the clock steps back. The caller must persist the session before the first id is used. Two
/// processes trading the same account must take their sessions from one atomic counter (the
/// database), which the time rule alone would not give them.
public struct OKXClientOrderIdGenerator: Sendable, Hashable {
    /// The session number (persist it as the new high-water mark before issuing ids).
    public let session: UInt64
    /// How many ids were issued.
    public private(set) var sequence: UInt64 = 0

    static let marker = "r"
    static let sessionDigits = 9

    /// A generator for `session`; the session must fit in nine base-36 digits (until year 5138 as ms).
    public init(session: UInt64) throws(ClientOrderIdError) {
        guard String(session, radix: 36).count <= Self.sessionDigits else {
            throw ClientOrderIdError(input: String(session), reason: "session number does not fit in \(Self.sessionDigits) base-36 digits")
        }
        self.session = session
    }

    /// The session for a new process: after every persisted one, and not before now.
    public static func nextSession(persistedHighWaterMark: UInt64?, now: Timestamp) -> UInt64 {
        let nowMilliseconds = UInt64(max(0, now.millisecondsSinceEpoch))
        guard let persisted = persistedHighWaterMark else { return nowMilliseconds }
        return max(nowMilliseconds, persisted &+ 1)
    }

    /// The next id.
    public mutating func next() -> ClientOrderId {
        sequence += 1
        let sessionText = String(session, radix: 36)
        let padded = String(repeating: "0", count: Self.sessionDigits - sessionText.count) + sessionText
        return ClientOrderId(Self.marker + padded + String(sequence, radix: 36))
    }

    /// Whether `id` has the shape of an id this runtime issued: in reconciliation, an open order at
    /// OKX without it was placed outside the runtime (by hand, another bot, a liquidation).
    public static func isRuntimeId(_ id: ClientOrderId) -> Bool {
        let text = id.rawValue
        guard text.utf8.count > 1 + sessionDigits, text.hasPrefix(marker) else { return false }
        return text.utf8.dropFirst().allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
    }
}
