/// The whole download as value types: the instruments, what is fetched, the time range, and the
/// segments it is cut into. A segment is the unit written to the file: every instrument's records of
/// one time window, oldest first, appended together. Writing whole segments is what makes a resume
/// exact (see ``resumePoint(lastRecordTime:)``).
public struct DownloadPlan: Sendable, Hashable {
    /// OKX's page size for both endpoints (`limit` at most 100).
    public static let pageLimit = 100
    /// Default segment length for trades: an hour holds what a busy instrument trades in an hour in
    /// memory (tens of thousands of trades) and costs at least one request per instrument.
    public static let defaultTradeSegmentMilliseconds: Int64 = 3_600_000

    /// The instruments, in the order the file lists records of the same time.
    public var instruments: [String]
    /// Candles of one bar size, or trades.
    public var kind: HistoryKind
    /// Milliseconds since the epoch, `from` inclusive, `to` exclusive.
    public var range: Range<Int64>
    /// The length of one segment: for candles one page (100 bars), for trades a time window.
    public var segmentMilliseconds: Int64

    public init(instruments: [String], kind: HistoryKind, range: Range<Int64>,
                tradeSegmentMilliseconds: Int64 = DownloadPlan.defaultTradeSegmentMilliseconds) {
        self.instruments = instruments
        self.kind = kind
        self.range = range
        // A candle page spans exactly `pageLimit` bars, so one request fills one segment.
        self.segmentMilliseconds = kind.barMilliseconds.map { $0 * Int64(Self.pageLimit) } ?? max(1, tradeSegmentMilliseconds)
    }

    /// How many segments the range is cut into.
    public var segmentCount: Int {
        guard !range.isEmpty else { return 0 }
        return Int((range.upperBound - range.lowerBound + segmentMilliseconds - 1) / segmentMilliseconds)
    }

    /// Segment `index`'s window.
    public func segment(_ index: Int) -> Range<Int64> {
        let start = range.lowerBound + Int64(index) * segmentMilliseconds
        return start..<min(range.upperBound, start + segmentMilliseconds)
    }

    /// Where a run resumes when the file's newest record is at `lastRecordTime` (nil: an empty or
    /// new file): the segment that holds that record is fetched again, since a crash may have cut it
    /// short, and every line from `keepBefore` on is dropped from the file first. Records older than
    /// `keepBefore` belong to segments that were written whole before it, so nothing is lost or
    /// written twice.
    public func resumePoint(lastRecordTime: Int64?) -> ResumePoint {
        guard let last = lastRecordTime, last >= range.lowerBound else {
            return ResumePoint(firstSegment: 0, keepBefore: range.lowerBound)
        }
        guard last < range.upperBound else { return ResumePoint(firstSegment: segmentCount, keepBefore: Int64.max) }
        let index = Int((last - range.lowerBound) / segmentMilliseconds)
        return ResumePoint(firstSegment: index, keepBefore: segment(index).lowerBound)
    }

    /// Where a run starts.
    public struct ResumePoint: Sendable, Hashable {
        /// The first segment to fetch (``segmentCount`` when there is nothing left).
        public var firstSegment: Int
        /// Lines of records at or after this time are dropped from the file before appending.
        public var keepBefore: Int64

        public init(firstSegment: Int, keepBefore: Int64) {
            self.firstSegment = firstSegment
            self.keepBefore = keepBefore
        }
    }

    /// The pagination of one instrument's segment.
    public func cursor(instrument: String, segment index: Int) -> PageCursor {
        PageCursor(instrument: instrument, kind: kind, window: segment(index))
    }
}
