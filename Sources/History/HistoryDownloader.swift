import AsyncHTTPClient
import Logging
import NIOCore

/// The thin edge of a download: sends the ``PageCursor``s' requests to OKX's REST API within the
/// ``RequestBudget``, retries by the ``RetryPolicy``, and appends each finished segment to the
/// file. Every decision (which request, when a window is done, where to resume, what a gap is) is
/// made by the value types; this only does the I/O and the waiting.
public struct HistoryDownloader: Sendable {
    /// Where and how to ask.
    public struct Options: Sendable {
        /// The REST base URL, e.g. `https://www.okx.com` (`OKX_REST_URL` overrides it in the CLI).
        public var baseURL: String
        /// How failures that may pass are retried.
        public var retry: RetryPolicy
        /// The endpoint's rate limit.
        public var budget: RequestBudget
        /// Per request, from sending to the whole body.
        public var requestTimeout: Duration

        public init(baseURL: String, retry: RetryPolicy = RetryPolicy(), budget: RequestBudget = .okxHistory,
                    requestTimeout: Duration = .seconds(30)) {
            self.baseURL = baseURL
            self.retry = retry
            self.budget = budget
            self.requestTimeout = requestTimeout
        }
    }

    /// OKX's production REST API.
    public static let okxBaseURL = "https://www.okx.com"

    /// Where and how it asks.
    public let options: Options
    /// Retries, resumes and gaps are logged here.
    public let logger: Logger

    public init(options: Options, logger: Logger = Logger(label: "runtime.history")) {
        self.options = options
        self.logger = logger
    }

    /// Downloads `plan` into the file at `path`, resuming after what it already holds.
    ///
    /// - Parameters:
    ///   - progress: called after every segment.
    ///   - segmentFetched: called with each segment's records before they are appended to the
    ///     file (e.g. to write them to the database too); it may throw to stop the download. A
    ///     resume starts after the file's last segment, so a segment this consumer has not taken is
    ///     never in the file: a run stopped between the two fetches it again, and the consumer sees
    ///     it twice (the database skips rows it holds).
    public func run(_ plan: DownloadPlan, into path: String,
                    progress: @Sendable (HistoryProgress) -> Void = { _ in },
                    segmentFetched: @Sendable ([HistoryRecord]) async throws -> Void = { _ in }) async throws -> HistorySummary {
        var summary = HistorySummary()
        summary.segmentsTotal = plan.segmentCount
        let existing = try HistoryFile.read(path: path, kind: plan.kind, instruments: Set(plan.instruments))
        let resume = plan.resumePoint(lastRecordTime: existing?.lastRecordTime)
        var gaps = plan.kind.barMilliseconds.map { GapTracker(instruments: plan.instruments, barMilliseconds: $0, start: plan.range.lowerBound) }
        if let existing {
            let keep = existing.length(keepingBefore: resume.keepBefore)
            let size = existing.lines.last.map(\.endOffset).map { $0 + existing.partialTailBytes } ?? existing.partialTailBytes
            if keep < size {
                try HistoryFile.truncate(path: path, to: keep)
                summary.bytesCut = size - keep
                logger.info("resuming: cut the file back to whole segments",
                            metadata: ["out": "\(path)", "bytes_cut": "\(size - keep)", "partial_line_bytes": "\(existing.partialTailBytes)"])
            }
            let kept = existing.lines.prefix { $0.endOffset <= keep }
            summary.keptLines = kept.count
            for line in kept where line.time >= plan.range.lowerBound { gaps?.resume(instrument: line.instrument, after: line.time) }
            if !kept.isEmpty {
                logger.info("resuming after the file's newest record",
                            metadata: ["lines_kept": "\(kept.count)", "from_segment": "\(resume.firstSegment)", "of": "\(plan.segmentCount)"])
            }
        }
        let appender = try HistoryFile.Appender(path: path)
        let toDo = plan.segmentCount - resume.firstSegment
        try await HTTPClient.withHTTPClient { client in
            var exchange = PublicRESTExchange(options: options, logger: logger, client: client)
            defer {
                summary.requests = exchange.requests
                summary.retries = exchange.retries
                summary.pages = exchange.answers
            }
            for index in resume.firstSegment..<plan.segmentCount {
                var cursors: [PageCursor] = []
                for instrument in plan.instruments {
                    var cursor = plan.cursor(instrument: instrument, segment: index)
                    while let request = cursor.nextRequest() {
                        let page = try await exchange.get(request, subject: instrument) { body throws(HistoryPageError) in
                            switch try HistoryPage.read(body, kind: plan.kind, instrument: instrument) {
                            case .records(let records): .data(records)
                            case .okxError(let code, let message): .okxError(code: code, message: message)
                            }
                        }
                        do throws(PaginationError) { try cursor.receive(page) } catch {
                            throw HistoryError.pagination(instrument: instrument, request: request, reason: error.reason)
                        }
                    }
                    summary.unconfirmedBars += cursor.unconfirmedBars
                    cursors.append(cursor)
                }
                let records = SegmentAssembly.merge(cursors, instruments: plan.instruments)
                try await segmentFetched(records)
                try appender.append(records.map { $0.line(kind: plan.kind) })
                for record in records { summary.recordsWritten[record.instrument, default: 0] += 1 }
                gaps?.observe(records)
                summary.segmentsFetched += 1
                progress(HistoryProgress(segmentsDone: summary.segmentsFetched, segmentsToDo: toDo,
                                         recordsWritten: summary.totalRecords, elapsed: exchange.elapsed))
            }
        }
        if var tracker = gaps {
            tracker.finish(at: plan.range.upperBound)
            summary.gaps = tracker.gaps
            for gap in tracker.gaps { logger.warning("gap in OKX's candles (not filled in)", metadata: ["gap": "\(gap)"]) }
        }
        return summary
    }
}
