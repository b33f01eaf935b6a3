/// What one run of a download did.
public struct HistorySummary: Sendable, Hashable {
    /// Records written in this run, per instrument.
    public var recordsWritten: [String: Int] = [:]
    /// Requests sent (retries included), and how many of them were retries.
    public var requests = 0
    public var retries = 0
    /// Pages received.
    public var pages = 0
    /// Missing bars found (candles only), from the file's newest kept bar (or the range's start)
    /// to the range's end.
    public var gaps: [GapTracker.Gap] = []
    /// Bars OKX sent still forming (not written).
    public var unconfirmedBars = 0
    /// The file already held this many lines that were kept (a resume), and this many bytes were
    /// cut from its end (a partial line, and the segment being fetched again).
    public var keptLines = 0
    public var bytesCut = 0
    /// Segments fetched in this run, of the plan's total.
    public var segmentsFetched = 0
    public var segmentsTotal = 0

    public init() {}

    /// Records written in this run, all instruments.
    public var totalRecords: Int { recordsWritten.values.reduce(0, +) }
}
