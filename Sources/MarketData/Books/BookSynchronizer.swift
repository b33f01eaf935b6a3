import TradingCore

/// Keeps one instrument's order book in line with OKX's push stream: a pure state machine, no I/O.
///
/// Feed it every book message of one (instrument, channel) subscription in arrival order. It applies
/// snapshots and updates to an ``OrderBook``, checks `seqId`/`prevSeqId` continuity (a snapshot has
/// prevSeqId -1; `seqId == prevSeqId == last` is a no-change heartbeat; any other break is a gap), verifies
/// OKX's CRC32 when a non-zero checksum is sent, and refuses crossed books. After an incident the book is
/// invalid (``isValid`` false: risk must not trade on it) until a fresh snapshot arrives; the outcome then
/// asks the caller for one, at most once per outstanding request and never faster than a growing backoff,
/// so a broken stream cannot cause a request storm.
///
/// Since August 2026 OKX sends no snapshot on subscribe (`books`, `books-l2-tbt`, `books50-l2-tbt`): the
/// caller fetches one over REST (`GET /api/v5/market/books`, which carries its `seqId`) and feeds it like
/// any snapshot. Updates that arrive before it are held, and the snapshot is followed by those newer than
/// it, the first of them straddling it (`prevSeqId <= snapshot seqId < seqId`), as OKX's changelog
/// prescribes. A snapshot older than every held update is refused and asked for again.
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
        /// An update arrived while there is no valid book; it was held for the next snapshot (or dropped when it
        /// carries no sequence id). `resubscribe` as for `.invalidated`.
        case dropped(resubscribe: Bool)
        /// The message revealed an incident; the book is now invalid. When `resubscribe` is true the caller
        /// should get a fresh snapshot now (REST, or resubscribing where OKX still sends one; the
        /// synchronizer has recorded the request).
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
    /// Updates with sequence ids received while there is no valid book, oldest first: what the next
    /// snapshot is followed by.
    public private(set) var held: [BookUpdate] = []
    /// Right after a snapshot no held update followed: the next update may straddle it
    /// (`prevSeqId <= lastSeqId < seqId`), and updates it already contains are skipped.
    private var straddleNext = false

    /// How many updates are held at most (the oldest go first: a snapshot is newer than they are).
    public static let maximumHeldUpdates = 10_000

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
            hold(update)
            return .dropped(resubscribe: requestResubscribeIfDue(now: now))
        }
        if let seqId = update.seqId, let prevSeqId = update.prevSeqId, let last = lastSeqId {
            if straddleNext {
                // In flight while the snapshot was taken: already in it.
                if seqId <= last { return .heartbeat }
                straddleNext = false
                guard prevSeqId <= last else {
                    incidents.sequenceGaps += 1
                    return invalidate(.sequenceGap(expectedPrevSeqId: last, receivedPrevSeqId: prevSeqId, seqId: seqId), now: now,
                                      holding: update)
                }
            } else {
                if seqId == prevSeqId && prevSeqId == last && update.bids.isEmpty && update.asks.isEmpty {
                    book.timestamp = update.timestamp
                    return .heartbeat
                }
                guard prevSeqId == last else {
                    incidents.sequenceGaps += 1
                    return invalidate(.sequenceGap(expectedPrevSeqId: last, receivedPrevSeqId: prevSeqId, seqId: seqId), now: now,
                                      holding: update)
                }
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
        // A second snapshot asked for while the first was slow can come after the book synced:
        // one no newer than the book would take it back in time.
        if state == .synced, !update.channel.isFullSnapshotEachPush, let seqId = update.seqId, let last = lastSeqId, seqId <= last {
            return .heartbeat
        }
        var following: [BookUpdate] = []
        if let snapshotSeqId = update.seqId, !update.channel.isFullSnapshotEachPush {
            following = held.filter { ($0.seqId ?? .min) > snapshotSeqId }
            // Older than the whole held stream: the updates between it and them are lost to us, so
            // the held ones stay for a newer snapshot.
            if let first = following.first, let prevSeqId = first.prevSeqId, prevSeqId > snapshotSeqId, let seqId = first.seqId {
                incidents.staleSnapshots += 1
                held = following
                return invalidate(.sequenceGap(expectedPrevSeqId: snapshotSeqId, receivedPrevSeqId: prevSeqId, seqId: seqId), now: now,
                                  keepingHeld: true)
            }
        }
        held.removeAll()
        book.apply(update)
        lastSeqId = update.seqId
        var outcome = verify(update, now: now)
        straddleNext = following.isEmpty && update.seqId != nil
        if case .applied = outcome, let first = following.first {
            // The first held update straddles the snapshot (checked above); the rest follow it one by one.
            book.apply(first)
            lastSeqId = first.seqId
            outcome = verify(first, now: now)
            for next in following.dropFirst() {
                guard case .applied = outcome else { break }
                outcome = apply(next, now: now)
            }
        }
        if case .applied = outcome {
            outstandingResubscribeSince = nil
            backoffNanoseconds = Self.initialBackoffNanoseconds
        }
        return outcome
    }

    /// Keeps an update for the next snapshot (one without a sequence id cannot be placed after one).
    private mutating func hold(_ update: BookUpdate) {
        guard update.seqId != nil, update.prevSeqId != nil, !update.channel.isFullSnapshotEachPush else { return }
        if held.count >= Self.maximumHeldUpdates { held.removeFirst(held.count - Self.maximumHeldUpdates + 1) }
        held.append(update)
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

    /// - Parameters:
    ///   - holding: the update that revealed a gap: valid stream data, the first the next snapshot may need.
    ///   - keepingHeld: keep the held updates (a stale snapshot); otherwise they are past.
    private mutating func invalidate(_ incident: BookIncident, now: Timestamp, holding update: BookUpdate? = nil,
                                     keepingHeld: Bool = false) -> Outcome {
        state = .invalid(incident)
        lastSeqId = nil
        straddleNext = false
        if !keepingHeld { held.removeAll() }
        if let update { hold(update) }
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
