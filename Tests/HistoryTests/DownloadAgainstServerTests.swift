import Foundation
import History
import Logging
import OKXTestServer
import TestSupport
import Synchronization
import Testing

/// Downloads from a real local HTTP server serving OKX REST pages built from real trades: pages,
/// gaps, 429s, 5xx, a connection dropped mid-response, OKX error bodies, and resumes.
@Suite(.watchdog) struct DownloadAgainstServerTests {
    static let fastRetries = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(50), maximumDelay: .milliseconds(400))

    static func downloader(_ server: OKXRestTestServer, retry: RetryPolicy = fastRetries) -> HistoryDownloader {
        HistoryDownloader(options: .init(baseURL: server.baseURL, retry: retry), logger: Logger(label: "test.history"))
    }

    static func serve<Result>(_ script: OKXRestScript, _ body: (OKXRestTestServer) async throws -> Result) async throws -> Result {
        let server = try await OKXRestTestServer.start(script: script)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// The source rows as the lines a correct download writes.
    static func expectedLines(candles rows: [[String]], bar: HistoryKind) -> [String] {
        rows.compactMap { row in Int64(row[0]).map { HistoryRecord(instrument: HistoryFixtures.instrument, time: $0, fields: .candle(row)) } }
            .map { $0.line(kind: bar) }
    }

    static func expectedLines(trades rows: [OKXRestScript.TradeRow]) -> [String] {
        rows.map { HistoryRecord(instrument: HistoryFixtures.instrument, time: $0.time,
                                 fields: .trade(tradeId: $0.tradeId, price: $0.price, size: $0.size, side: $0.side)).line(kind: .trades) }
    }

    /// The gaps of a one-second series, found the plain way: consecutive bars more than a second apart.
    static func gapStarts(_ rows: [[String]]) -> [Int64] {
        let times = rows.compactMap { Int64($0[0]) }
        return zip(times, times.dropFirst()).compactMap { $1 - $0 > 1_000 ? $0 + 1_000 : nil }
    }

    static func range(_ rows: [[String]]) throws -> Range<Int64> {
        let first = try #require(rows.first.flatMap { Int64($0[0]) }), last = try #require(rows.last.flatMap { Int64($0[0]) })
        return first..<(last + 1_000)
    }

    @Test func manyPagesReassembleExactlyTheSourceSeries() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: .max)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(rows))
        #expect(plan.segmentCount >= 6, "the series should take several pages")
        let out = try HistoryFixtures.scratch("pages") + "/candles.jsonl"
        let summary = try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]])) { server in
            let summary = try await Self.downloader(server).run(plan, into: out)
            #expect(server.served.count == plan.segmentCount && server.served.allSatisfy { $0.status == 200 })
            return summary
        }
        #expect(try HistoryFixtures.lines(out) == Self.expectedLines(candles: rows, bar: .candles(.oneSecond)))
        #expect(summary.totalRecords == rows.count && summary.retries == 0)
        // Seconds without a trade have no bar: each is reported as a gap, none is filled in.
        #expect(summary.gaps.map(\.from) == Self.gapStarts(rows))
    }

    @Test func aGapInTheSeriesIsReportedNotInvented() async throws {
        let all = try HistoryFixtures.secondCandles(trades: 6_000)
        var served = all
        served.removeSubrange(40..<70)
        let missingFrom = try #require(Int64(all[40][0]))
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(all))
        let out = try HistoryFixtures.scratch("gap") + "/candles.jsonl"
        let summary = try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": served]])) { server in
            try await Self.downloader(server).run(plan, into: out)
        }
        #expect(try HistoryFixtures.lines(out) == Self.expectedLines(candles: served, bar: .candles(.oneSecond)))
        let gap = try #require(summary.gaps.first { $0.from == missingFrom }, "\(summary.gaps)")
        #expect(gap.to == Int64(all[70][0]))
        #expect(summary.gaps.map(\.from) == Self.gapStarts(served))
    }

    @Test func a429IsRetriedAndTheRateLimitKept() async throws {
        let trades = try HistoryFixtures.trades(limit: 4_000)
        let first = try #require(trades.first?.time), last = try #require(trades.last?.time)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .trades, range: first..<(last + 1))
        let out = try HistoryFixtures.scratch("ratelimit") + "/trades.jsonl"
        let (summary, served, most) = try await Self.serve(OKXRestScript(trades: [HistoryFixtures.instrument: trades], faults: [3: .tooManyRequests])) { server in
            let summary = try await Self.downloader(server).run(plan, into: out)
            return (summary, server.served, server.mostRequests(within: .seconds(2)))
        }
        #expect(try HistoryFixtures.lines(out) == Self.expectedLines(trades: trades))
        #expect(served.count > 40, "enough requests to meet the limit: \(served.count)")
        #expect(summary.retries == 1 && served.filter { $0.status == 429 }.count == 1, "only the scripted 429: \(served.map(\.status))")
        #expect(most <= 20, "at most 20 requests in any 2 s, saw \(most)")
    }

    @Test func aConnectionDroppedMidResponseAndA503AreRetried() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: 6_000)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(rows))
        let out = try HistoryFixtures.scratch("drop") + "/candles.jsonl"
        let summary = try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]],
                                                         faults: [2: .dropMidResponse, 3: .serviceUnavailable])) { server in
            try await Self.downloader(server).run(plan, into: out)
        }
        #expect(try HistoryFixtures.lines(out) == Self.expectedLines(candles: rows, bar: .candles(.oneSecond)))
        #expect(summary.retries == 2)
    }

    @Test func anOKXErrorBodyStopsWithAClearError() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: 1_000)
        let plan = DownloadPlan(instruments: ["ETH-USDT"], kind: .candles(.oneSecond), range: try Self.range(rows))
        let out = try HistoryFixtures.scratch("okxerror") + "/candles.jsonl"
        try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]])) { server in
            do {
                _ = try await Self.downloader(server).run(plan, into: out)
                Issue.record("an unknown instrument downloaded")
            } catch let error as HistoryError {
                let text = error.description
                #expect(text.contains("ETH-USDT") && text.contains("GET /api/v5/market/history-candles?instId=ETH-USDT&bar=1s"), "\(text)")
                #expect(text.contains("OKX code 51001: Instrument ID does not exist"), "\(text)")
                #expect(server.served.count == 1, "not retried")
            }
        }
    }

    @Test func persistentServerErrorsGiveUpNamingTheRequest() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: 1_000)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(rows))
        let out = try HistoryFixtures.scratch("giveup") + "/candles.jsonl"
        let faults = Dictionary(uniqueKeysWithValues: (1...10).map { ($0, OKXRestScript.Fault.serviceUnavailable) })
        try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]], faults: faults)) { server in
            let retry = RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(50))
            await #expect(throws: HistoryError.self) { _ = try await Self.downloader(server, retry: retry).run(plan, into: out) }
            do { _ = try await Self.downloader(server, retry: retry).run(plan, into: out) } catch {
                #expect("\(error)".contains("BTC-USDT: GET /api/v5/market/history-candles"), "\(error)")
                #expect("\(error)".contains("failed after 3 attempts: HTTP 503, OKX code 50001"), "\(error)")
            }
        }
    }

    @Test func aResumeAfterACrashMidLineGivesTheSameFile() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: .max)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(rows))
        let folder = try HistoryFixtures.scratch("resume")
        try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]])) { server in
            let whole = folder + "/whole.jsonl", cut = folder + "/cut.jsonl"
            _ = try await Self.downloader(server).run(plan, into: whole)
            let complete = try Data(contentsOf: URL(fileURLWithPath: whole))
            let lines = try HistoryFixtures.lines(whole)
            // A crash in the middle of the third segment's write: whole lines, then half of one.
            let kept = lines.prefix(250).joined(separator: "\n") + "\n" + String(lines[250].prefix(lines[250].count / 2))
            try Data(kept.utf8).write(to: URL(fileURLWithPath: cut))
            let before = server.served.count
            let summary = try await Self.downloader(server).run(plan, into: cut)
            #expect(try Data(contentsOf: URL(fileURLWithPath: cut)) == complete)
            #expect(summary.keptLines > 0 && summary.keptLines < 250 && summary.bytesCut > 0)
            #expect(server.served.count - before < plan.segmentCount, "the whole segments were not fetched again")
            // Resuming a complete file fetches nothing and changes nothing.
            let again = try await Self.downloader(server).run(plan, into: whole)
            #expect(again.segmentsFetched <= 1)
            #expect(try Data(contentsOf: URL(fileURLWithPath: whole)) == complete)
        }
    }

    /// The database (the consumer) takes a segment before the file records it: a run stopped
    /// between the two (here the consumer fails on the third segment, as a database write would)
    /// leaves a file without that segment, so the resume fetches it and the consumer gets it.
    @Test func aSegmentTheConsumerDidNotTakeIsNotInTheFileAndTheResumeHandsItOver() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: .max)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneSecond), range: try Self.range(rows))
        #expect(plan.segmentCount >= 4)
        let out = try HistoryFixtures.scratch("consumer-first") + "/candles.jsonl"
        struct ConsumerFailed: Error {}
        let taken = Mutex<[Int64]>([])
        try await Self.serve(OKXRestScript(candles: [HistoryFixtures.instrument: ["1s": rows]])) { server in
            let segments = Mutex(0)
            await #expect(throws: ConsumerFailed.self) {
                try await Self.downloader(server).run(plan, into: out, segmentFetched: { records in
                    guard segments.withLock({ $0 += 1; return $0 }) < 3 else { throw ConsumerFailed() }
                    taken.withLock { $0 += records.map(\.time) }
                })
            }
            let inFile = try HistoryFixtures.lines(out)
            #expect(inFile.count == taken.withLock { $0.count }, "the file holds exactly the segments the consumer took")
            _ = try await Self.downloader(server).run(plan, into: out, segmentFetched: { records in taken.withLock { $0 += records.map(\.time) } })
        }
        #expect(try HistoryFixtures.lines(out) == Self.expectedLines(candles: rows, bar: .candles(.oneSecond)))
        let times = taken.withLock { $0 }
        #expect(Set(times) == Set(rows.compactMap { Int64($0[0]) }), "every bar reached the consumer")
    }

    @Test func aTradesResumeAfterACrashMidLineGivesTheSameFile() async throws {
        let trades = try HistoryFixtures.trades(limit: 3_000)
        let first = try #require(trades.first?.time), last = try #require(trades.last?.time)
        // Half-minute segments: several of them, each paged back by trade id.
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .trades, range: first..<(last + 1),
                                tradeSegmentMilliseconds: 30_000)
        #expect(plan.segmentCount >= 3)
        let folder = try HistoryFixtures.scratch("trades-resume")
        try await Self.serve(OKXRestScript(trades: [HistoryFixtures.instrument: trades])) { server in
            let whole = folder + "/whole.jsonl", cut = folder + "/cut.jsonl"
            _ = try await Self.downloader(server).run(plan, into: whole)
            #expect(try HistoryFixtures.lines(whole) == Self.expectedLines(trades: trades))
            let lines = try HistoryFixtures.lines(whole)
            let kept = lines.prefix(1_700).joined(separator: "\n") + "\n" + String(lines[1_700].prefix(40))
            try Data(kept.utf8).write(to: URL(fileURLWithPath: cut))
            let summary = try await Self.downloader(server).run(plan, into: cut)
            #expect(try Data(contentsOf: URL(fileURLWithPath: cut)) == Data(contentsOf: URL(fileURLWithPath: whole)))
            #expect(summary.keptLines > 0 && summary.segmentsFetched < plan.segmentCount)
        }
    }

    @Test func instrumentsAreInterleavedInTimeOrder() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: 3_000)
        // The same real series under a second name: what is checked is the merge, not the prices.
        let plan = DownloadPlan(instruments: ["BTC-USDT", "ETH-USDT"], kind: .candles(.oneSecond), range: try Self.range(rows))
        let out = try HistoryFixtures.scratch("interleaved") + "/candles.jsonl"
        let summary = try await Self.serve(OKXRestScript(candles: ["BTC-USDT": ["1s": rows], "ETH-USDT": ["1s": rows]])) { server in
            try await Self.downloader(server).run(plan, into: out)
        }
        let expected = rows.flatMap { row in
            ["BTC-USDT", "ETH-USDT"].compactMap { instrument in
                Int64(row[0]).map { HistoryRecord(instrument: instrument, time: $0, fields: .candle(row)).line(kind: .candles(.oneSecond)) }
            }
        }
        #expect(try HistoryFixtures.lines(out) == expected)
        #expect(summary.recordsWritten == ["BTC-USDT": rows.count, "ETH-USDT": rows.count])
    }

    @Test func aFileOfSomethingElseIsNotResumedInto() async throws {
        let rows = try HistoryFixtures.secondCandles(trades: 1_000)
        let plan = DownloadPlan(instruments: [HistoryFixtures.instrument], kind: .candles(.oneMinute), range: try Self.range(rows))
        let out = try HistoryFixtures.scratch("foreign") + "/other.jsonl"
        try (Self.expectedLines(trades: try HistoryFixtures.trades(limit: 3)).joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        try await Self.serve(OKXRestScript()) { server in
            do {
                _ = try await Self.downloader(server).run(plan, into: out)
                Issue.record("resumed into a trades file")
            } catch let error as HistoryError {
                #expect("\(error)".contains("is not a candle1m record"), "\(error)")
                #expect(server.served.isEmpty)
            }
        }
    }
}
