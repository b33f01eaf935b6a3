import TradingCore

/// The book synchronizers of every (instrument, book channel) a consumer follows, and which channel to
/// resubscribe when one of them asks for a fresh snapshot. A value: the host's event loop owns it.
///
/// ```swift
/// if let wanted = books.apply(update, now: receivedAt).resubscribe { feed.requestSnapshot(wanted) }
/// ```
public struct OrderBooks: Sendable {
    public struct Key: Sendable, Hashable {
        public var instrument: InstrumentId
        public var channel: BookChannel
    }

    private var synchronizers: [Key: BookSynchronizer] = [:]

    public init() {}

    /// Applies a book message; returns the outcome and, when a fresh snapshot is needed, the subscription
    /// to resubscribe.
    public mutating func apply(_ update: BookUpdate, now: Timestamp) -> (outcome: BookSynchronizer.Outcome, resubscribe: OKXSubscription?) {
        let key = Key(instrument: update.instrument, channel: update.channel)
        var synchronizer = synchronizers.removeValue(forKey: key) ?? BookSynchronizer(instrument: update.instrument)
        let outcome = synchronizer.apply(update, now: now)
        synchronizers[key] = synchronizer
        return (outcome, Self.wantsResubscribe(outcome) ? OKXSubscription(channel: update.channel.rawValue, instId: update.instrument.symbol) : nil)
    }

    /// Books still invalid whose resubscribe backoff has passed: call about once a second.
    public mutating func resubscriptionsDue(now: Timestamp) -> [OKXSubscription] {
        var due: [OKXSubscription] = []
        for key in synchronizers.keys.sorted(by: { ($0.instrument, $0.channel.rawValue) < ($1.instrument, $1.channel.rawValue) }) {
            if synchronizers[key]?.resubscribeIfDue(now: now) == true {
                due.append(OKXSubscription(channel: key.channel.rawValue, instId: key.instrument.symbol))
            }
        }
        return due
    }

    /// The synchronizer of one book, if it has seen a message.
    public subscript(instrument: InstrumentId, channel: BookChannel) -> BookSynchronizer? {
        synchronizers[Key(instrument: instrument, channel: channel)]
    }

    /// The book to trade on: the valid one of the instrument with the most depth (books-l2-tbt, books50-l2-tbt,
    /// books, books5, bbo-tbt), nil when no book of the instrument is valid.
    public func validBook(for instrument: InstrumentId) -> OrderBook? {
        for channel in [BookChannel.booksL2Tbt, .books50L2Tbt, .books, .books5, .bboTbt] {
            if let synchronizer = synchronizers[Key(instrument: instrument, channel: channel)], synchronizer.isValid {
                return synchronizer.book
            }
        }
        return nil
    }

    /// Incidents summed over every book.
    public var incidents: BookIncidentCounts {
        synchronizers.values.reduce(into: BookIncidentCounts()) { total, synchronizer in
            total.sequenceGaps += synchronizer.incidents.sequenceGaps
            total.checksumMismatches += synchronizer.incidents.checksumMismatches
            total.crossedBooks += synchronizer.incidents.crossedBooks
            total.updatesDroppedWhileInvalid += synchronizer.incidents.updatesDroppedWhileInvalid
            total.resubscribeRequests += synchronizer.incidents.resubscribeRequests
            total.staleSnapshots += synchronizer.incidents.staleSnapshots
        }
    }

    private static func wantsResubscribe(_ outcome: BookSynchronizer.Outcome) -> Bool {
        switch outcome {
        case .invalidated(_, let resubscribe), .dropped(let resubscribe): resubscribe
        case .applied, .heartbeat: false
        }
    }
}
