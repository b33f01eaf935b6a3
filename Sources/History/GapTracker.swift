/// Finds missing bars in a candle series as it is written, oldest first: a gap is reported, never
/// filled in (OKX sends no bar for a minute without data, and an invented flat bar would be a price
/// nobody traded at).
public struct GapTracker: Sendable, Hashable {
    /// Bars missing between two bars that were present (or the range's edges).
    public struct Gap: Sendable, Hashable, CustomStringConvertible {
        /// The instrument whose bars are missing.
        public var instrument: String
        /// The first missing bar's open time, ms.
        public var from: Int64
        /// The open time after the last missing bar, ms (the next present bar, or the range's end).
        public var to: Int64
        /// How many bars are missing.
        public var missingBars: Int64

        public var description: String {
            "\(instrument): \(missingBars) bar\(missingBars == 1 ? "" : "s") missing from \(HistoryDate.text(from)) to \(HistoryDate.text(to))"
        }
    }

    /// The bar length, ms.
    public let barMilliseconds: Int64
    /// Per instrument, the open time the next bar should have.
    private var expected: [String: Int64]
    /// The gaps found so far, in the order they were found.
    public private(set) var gaps: [Gap] = []

    /// Starts expecting every instrument's first bar at `start`.
    public init(instruments: [String], barMilliseconds: Int64, start: Int64) {
        self.barMilliseconds = barMilliseconds
        self.expected = Dictionary(instruments.map { ($0, start) }, uniquingKeysWith: { first, _ in first })
    }

    /// Continues after `time`, a bar already in the file (a resumed download).
    public mutating func resume(instrument: String, after time: Int64) {
        expected[instrument] = max(expected[instrument] ?? time, time + barMilliseconds)
    }

    /// Takes the next bars in file order.
    public mutating func observe(_ records: [HistoryRecord]) {
        for record in records {
            let next = expected[record.instrument] ?? record.time
            if record.time > next { note(record.instrument, from: next, to: record.time) }
            expected[record.instrument] = max(next, record.time + barMilliseconds)
        }
    }

    /// Closes the series at the range's end (bars missing at the end are a gap too).
    public mutating func finish(at end: Int64) {
        for (instrument, next) in expected.sorted(by: { $0.key < $1.key }) {
            // Only whole bars: a range ending mid-bar does not miss the bar it cuts.
            let lastWholeBarEnd = end - (end - next) % barMilliseconds
            if lastWholeBarEnd > next { note(instrument, from: next, to: lastWholeBarEnd) }
        }
    }

    private mutating func note(_ instrument: String, from: Int64, to: Int64) {
        gaps.append(Gap(instrument: instrument, from: from, to: to, missingBars: (to - from + barMilliseconds - 1) / barMilliseconds))
    }
}
