import TradingCore

/// Keeps one instrument's order book in line with OKX's push stream: a pure state machine, no I/O.
///
/// Feed it every book message of one (instrument, channel) subscription in arrival order. It applies
/// snapshots and updates to an ``OrderBook``, checks `seqId`/`prevSeqId` continuity (a snapshot has
/// prevSeqId -1; `seqId == prevSeqId == last` is a no-change heartbeat; any other break is a gap), verifies
/// OKX's CRC32 when a non-zero checksum is sent, and refuses crossed books. After an incident the book is
/// invalid (``isValid`` false: risk must not trade on it) until a fresh snapshot arrives; the outcome then
/// asks the caller to resubscribe, at most once per outstanding request and never faster than a growing
/// backoff, so a broken stream cannot cause a resubscribe storm.
public struct BookSynchronizer: Sendable {
    /// Where the synchronizer stands.
    public enum State: Sendable, Hashable {
        /// No snapshot yet (fresh subscription).
        case awaitingSnapshot
        /// The book follows the stream.
        case synced
        /// An incident made the book untrustworthy; waiting for a fresh snapshot.
        case invalid(BookIncident)
    }

    /// What applying one message did.
    public enum Outcome: Sendable, Hashable {
        /// The message changed the book and everything checked out.
        case applied
        /// A no-change heartbeat (`seqId == prevSeqId ==` the last seqId).
        case heartbeat
        /// An update arrived while there is no valid book; it was dropped. `resubscribe` as for `.invalidated`.
        case dropped(resubscribe: Bool)
        /// The message revealed an incident; the book is now invalid. When `resubscribe` is true the caller
        /// should resubscribe the channel now (the synchronizer has recorded the request).
        case invalidated(BookIncident, resubscribe: Bool)
    }

    /// Backoff between resubscribe requests for the same book: starts here, doubles, caps at ``maximumBackoff``.
    public static let initialBackoffNanoseconds: Int64 = 1_000_000_000
    public static let maximumBackoffNanoseconds: Int64 = 60_000_000_000

    public private(set) var book: OrderBook
    public private(set) var state: State = .awaitingSnapshot
    public private(set) var incidents = BookIncidentCounts()
    /// The `seqId` of the last message applied; nil when the stream does not send sequence ids.
    public private(set) var lastSeqId: Int64?
    /// When the last resubscribe was requested while it is still waiting for its snapshot.
    public private(set) var outstandingResubscribeSince: Timestamp?
    private var backoffNanoseconds = BookSynchronizer.initialBackoffNanoseconds

    public init(instrument: InstrumentId) {
        self.book = OrderBook(instrument: instrument)
    }

    /// Whether the book may be used for trading decisions.
    public var isValid: Bool { state == .synced }

    /// Applies one book message received at `now` (receive time; used only for the resubscribe backoff).
    public mutating func apply(_ update: BookUpdate, now: Timestamp) -> Outcome {
        if update.action == .snapshot || update.channel.isFullSnapshotEachPush {
            return applySnapshot(update, now: now)
        }
        guard state == .synced else {
            incidents.updatesDroppedWhileInvalid += 1
            return .dropped(resubscribe: requestResubscribeIfDue(now: now))
        }
        if let seqId = update.seqId, let prevSeqId = update.prevSeqId, let last = lastSeqId {
            if seqId == prevSeqId && prevSeqId == last && update.bids.isEmpty && update.asks.isEmpty {
                book.timestamp = update.timestamp
                return .heartbeat
            }
            guard prevSeqId == last else {
                incidents.sequenceGaps += 1
                return invalidate(.sequenceGap(expectedPrevSeqId: last, receivedPrevSeqId: prevSeqId, seqId: seqId), now: now)
            }
        }
        book.apply(update)
        if let seqId = update.seqId { lastSeqId = seqId }
        return verify(update, now: now)
    }

    /// Call periodically while the book is invalid (e.g. once a second): true when a resubscribe is due
    /// because the previous request went unanswered for longer than the backoff.
    public mutating func resubscribeIfDue(now: Timestamp) -> Bool {
        guard state != .synced else { return false }
        return requestResubscribeIfDue(now: now)
    }

    private mutating func applySnapshot(_ update: BookUpdate, now: Timestamp) -> Outcome {
        book.apply(update)
        lastSeqId = update.seqId
        let outcome = verify(update, now: now)
        if case .applied = outcome {
            outstandingResubscribeSince = nil
            backoffNanoseconds = Self.initialBackoffNanoseconds
        }
        return outcome
    }

    private mutating func verify(_ update: BookUpdate, now: Timestamp) -> Outcome {
        if let expected = update.checksum, expected != 0 {
            let computed = BookChecksum.compute(book)
            if computed != expected {
                incidents.checksumMismatches += 1
                return invalidate(.checksumMismatch(expected: expected, computed: computed), now: now)
            }
        }
        if book.isCrossedOrLocked, let bid = book.bestBid?.price, let ask = book.bestAsk?.price {
            incidents.crossedBooks += 1
            return invalidate(.crossed(bestBid: bid, bestAsk: ask), now: now)
        }
        state = .synced
        return .applied
    }

    private mutating func invalidate(_ incident: BookIncident, now: Timestamp) -> Outcome {
        state = .invalid(incident)
        lastSeqId = nil
        return .invalidated(incident, resubscribe: requestResubscribeIfDue(now: now))
    }

    /// At most one outstanding request; a new one only after the backoff, which then doubles.
    private mutating func requestResubscribeIfDue(now: Timestamp) -> Bool {
        if let since = outstandingResubscribeSince {
            guard now.nanoseconds(since: since) >= backoffNanoseconds else { return false }
            backoffNanoseconds = min(backoffNanoseconds * 2, Self.maximumBackoffNanoseconds)
        }
        outstandingResubscribeSince = now
        incidents.resubscribeRequests += 1
        return true
    }
}
