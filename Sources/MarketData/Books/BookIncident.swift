import TradingCore

/// Why a book was found untrustworthy.
public enum BookIncident: Sendable, Hashable, CustomStringConvertible {
    /// An update's `prevSeqId` does not continue the last `seqId` applied: messages were lost.
    case sequenceGap(expectedPrevSeqId: Int64, receivedPrevSeqId: Int64, seqId: Int64)
    /// OKX's checksum disagrees with the book after applying the message.
    case checksumMismatch(expected: Int32, computed: Int32)
    /// The best bid is at or above the best ask after applying the message.
    case crossed(bestBid: Price, bestAsk: Price)

    public var description: String {
        switch self {
        case .sequenceGap(let expected, let received, let seqId):
            "sequence gap: update seqId \(seqId) has prevSeqId \(received), expected \(expected)"
        case .checksumMismatch(let expected, let computed):
            "checksum mismatch: OKX sent \(expected), book gives \(computed)"
        case .crossed(let bid, let ask):
            "crossed book: best bid \(bid) >= best ask \(ask)"
        }
    }
}

/// How many incidents of each kind a book has had (for metrics and `runtime status`).
public struct BookIncidentCounts: Sendable, Hashable {
    public var sequenceGaps = 0
    public var checksumMismatches = 0
    public var crossedBooks = 0
    /// Updates that arrived while the book was waiting for a fresh snapshot (held for it when they carry
    /// sequence ids, else dropped).
    public var updatesDroppedWhileInvalid = 0
    /// Requests issued to get a fresh snapshot.
    public var resubscribeRequests = 0
    /// Snapshots older than every held update, refused (a newer one is asked for).
    public var staleSnapshots = 0

    public init() {}

    /// All incidents (gaps, mismatches, crossed books).
    public var total: Int { sequenceGaps + checksumMismatches + crossedBooks }
}
