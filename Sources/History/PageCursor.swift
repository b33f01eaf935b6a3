/// The pagination state machine of one instrument over one time window: which request comes
/// next, what each page adds, and when the window is complete. No I/O: the driver asks for
/// ``nextRequest()``, sends it, and hands the page to ``receive(_:)``.
///
/// Candles: one request per window, `after` = the window's end (OKX returns bars older than it)
/// and `before` = its start minus 1 ms (bars newer than that): a window is exactly one page of
/// `limit` bars. Trades: `history-trades` pages backwards from the window's end, first by time
/// (`type=2`, `after` = the end), then by trade id (`type=1`, `after` = the oldest id seen), until
/// a page reaches past the window's start or comes back empty. Ids, not times, carry the later
/// pages because many trades share a millisecond and a time cursor would skip those at a page's edge.
public struct PageCursor: Sendable, Hashable {
    /// The instrument paged.
    public let instrument: String
    /// Candles or trades.
    public let kind: HistoryKind
    /// Milliseconds, start inclusive, end exclusive.
    public let window: Range<Int64>
    /// The window's records so far, deduplicated (in arrival order).
    public private(set) var records: [HistoryRecord] = []
    /// Pages received.
    public private(set) var pages = 0
    /// Whether the window is complete.
    public private(set) var isComplete = false
    /// Bars OKX sent unconfirmed (still forming): never written, since they would change.
    public private(set) var unconfirmedBars = 0
    private var oldestTradeId: Int64?
    private var seen: Set<String> = []

    init(instrument: String, kind: HistoryKind, window: Range<Int64>) {
        self.instrument = instrument
        self.kind = kind
        self.window = window
        self.isComplete = window.isEmpty
    }

    /// The next request, or nil once the window is complete.
    public func nextRequest() -> HistoryRequest? {
        guard !isComplete else { return nil }
        let limit = HistoryRequest.Parameter("limit", String(DownloadPlan.pageLimit))
        switch kind {
        case .candles(let interval):
            return HistoryRequest(path: kind.path, query: [
                .init("instId", instrument), .init("bar", interval.okxChannelSuffix),
                .init("after", String(window.upperBound)), .init("before", String(window.lowerBound - 1)), limit,
            ])
        case .trades:
            if let oldestTradeId {
                return HistoryRequest(path: kind.path, query: [
                    .init("instId", instrument), .init("type", "1"), .init("after", String(oldestTradeId)), limit,
                ])
            }
            return HistoryRequest(path: kind.path, query: [
                .init("instId", instrument), .init("type", "2"), .init("after", String(window.upperBound)), limit,
            ])
        }
    }

    /// Takes one page (newest first, as OKX sends it).
    /// - Throws: ``PaginationError`` when a trades page does not move the cursor back (a server
    ///   repeating a page would otherwise be asked for it forever).
    public mutating func receive(_ page: [HistoryRecord]) throws(PaginationError) {
        guard !isComplete else { return }
        pages += 1
        for record in page where window.contains(record.time) && record.instrument == instrument {
            if case .candle(let fields) = record.fields, fields.last != "1" {
                unconfirmedBars += 1
                continue
            }
            if seen.insert(record.identity).inserted { records.append(record) }
        }
        switch kind {
        case .candles:
            isComplete = true
        case .trades:
            guard let oldest = page.map(\.tradeNumber).min(), let oldestTime = page.map(\.time).min() else {
                isComplete = true
                return
            }
            if let previous = oldestTradeId, oldest >= previous {
                throw PaginationError(reason: "a page after tradeId \(previous) reached back only to \(oldest)")
            }
            oldestTradeId = oldest
            if oldestTime < window.lowerBound { isComplete = true }
        }
    }

    /// The window's records, oldest first (trades of one millisecond in id order).
    public var recordsOldestFirst: [HistoryRecord] {
        records.sorted { ($0.time, $0.tradeNumber) < ($1.time, $1.tradeNumber) }
    }
}

/// A server answer that would make pagination go round in circles.
public struct PaginationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the page did.
    public var reason: String
    public var description: String { reason }
}
