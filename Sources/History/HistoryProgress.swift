/// How far a download is, for a progress bar.
public struct HistoryProgress: Sendable, Hashable {
    /// Segments fetched in this run, and how many this run has to fetch.
    public var segmentsDone: Int
    public var segmentsToDo: Int
    /// Records written in this run.
    public var recordsWritten: Int
    /// Time since this run started.
    public var elapsed: Duration

    public init(segmentsDone: Int, segmentsToDo: Int, recordsWritten: Int, elapsed: Duration) {
        self.segmentsDone = segmentsDone
        self.segmentsToDo = segmentsToDo
        self.recordsWritten = recordsWritten
        self.elapsed = elapsed
    }

    /// Done, 0...1.
    public var fraction: Double { segmentsToDo == 0 ? 1 : Double(segmentsDone) / Double(segmentsToDo) }

    /// The time left at the pace so far (nil before anything was done).
    public var remaining: Duration? {
        guard segmentsDone > 0 else { return nil }
        return elapsed * (Double(segmentsToDo - segmentsDone) / Double(segmentsDone))
    }

    /// One terminal line: `[#########...........]  45%  12,345 records  ETA 1m20s`.
    public func bar(width: Int = 30) -> String {
        let filled = min(width, Int((fraction * Double(width)).rounded(.down)))
        let percent = Int((fraction * 100).rounded(.down))
        let eta = remaining.map { "ETA " + Self.text($0) } ?? "ETA --"
        let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + padded + "%  \(recordsWritten) records  " + eta
    }

    /// `45s`, `3m05s`, `2h07m`.
    static func text(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + String(format2: seconds % 60) + "s" }
        return "\(seconds / 3600)h" + String(format2: (seconds % 3600) / 60) + "m"
    }
}

private extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
