import History
import TestSupport
import Testing
import TradingCore

/// The download plan without I/O: which request comes next, when a window is complete, where a
/// resume starts, what a gap is, how fast and how often to ask.
@Suite(.watchdog) struct PlanTests {
    static let minute: Int64 = 60_000
    static let start: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z

    static func candle(_ time: Int64, confirm: String = "1", instrument: String = "BTC-USDT") -> HistoryRecord {
        HistoryRecord(instrument: instrument, time: time, fields: .candle([String(time), "1", "2", "0.5", "1.5", "10", "15", "15", confirm]))
    }

    static func trade(_ id: Int64, at time: Int64) -> HistoryRecord {
        HistoryRecord(instrument: "BTC-USDT", time: time, fields: .trade(tradeId: String(id), price: "100", size: "1", side: "buy"))
    }

    @Test func aCandleWindowIsOnePageBetweenAfterAndBefore() throws {
        let plan = DownloadPlan(instruments: ["BTC-USDT"], kind: .candles(.oneMinute), range: Self.start..<(Self.start + 250 * Self.minute))
        #expect(plan.segmentCount == 3)
        #expect(plan.segment(2) == (Self.start + 200 * Self.minute)..<(Self.start + 250 * Self.minute))
        var cursor = plan.cursor(instrument: "BTC-USDT", segment: 0)
        let request = try #require(cursor.nextRequest())
        #expect(request.path == "/api/v5/market/history-candles")
        #expect(request.value(of: "bar") == "1m" && request.value(of: "limit") == "100")
        #expect(request.value(of: "after") == String(Self.start + 100 * Self.minute))
        #expect(request.value(of: "before") == String(Self.start - 1))
        // Newest first, one bar outside the window and one still forming: neither is kept.
        let page = [Self.candle(Self.start + 100 * Self.minute), Self.candle(Self.start + Self.minute, confirm: "0"),
                    Self.candle(Self.start + 2 * Self.minute), Self.candle(Self.start)]
        try cursor.receive(page)
        #expect(cursor.isComplete && cursor.nextRequest() == nil)
        #expect(cursor.recordsOldestFirst.map(\.time) == [Self.start, Self.start + 2 * Self.minute])
        #expect(cursor.unconfirmedBars == 1)
    }

    @Test func tradesPageBackByIdUntilTheWindowStart() throws {
        let plan = DownloadPlan(instruments: ["BTC-USDT"], kind: .trades, range: 1_000..<2_000, tradeSegmentMilliseconds: 1_000)
        var cursor = plan.cursor(instrument: "BTC-USDT", segment: 0)
        let first = try #require(cursor.nextRequest())
        #expect(first.value(of: "type") == "2" && first.value(of: "after") == "2000")
        try cursor.receive([Self.trade(50, at: 1_900), Self.trade(49, at: 1_500), Self.trade(48, at: 1_500)])
        let second = try #require(cursor.nextRequest())
        #expect(second.value(of: "type") == "1" && second.value(of: "after") == "48")
        // A page that repeats one id and reaches before the window's start ends the window.
        try cursor.receive([Self.trade(48, at: 1_500), Self.trade(47, at: 1_000), Self.trade(46, at: 999)])
        #expect(cursor.isComplete)
        #expect(cursor.recordsOldestFirst.map(\.identity) == ["47", "48", "49", "50"])
    }

    @Test func aTradesPageThatDoesNotMoveBackIsAnError() throws {
        let plan = DownloadPlan(instruments: ["BTC-USDT"], kind: .trades, range: 1_000..<2_000)
        var cursor = plan.cursor(instrument: "BTC-USDT", segment: 0)
        try cursor.receive([Self.trade(50, at: 1_900), Self.trade(49, at: 1_800)])
        #expect(throws: PaginationError.self) { try cursor.receive([Self.trade(50, at: 1_900), Self.trade(49, at: 1_800)]) }
    }

    @Test func anEmptyTradesPageEndsTheWindow() throws {
        let plan = DownloadPlan(instruments: ["BTC-USDT"], kind: .trades, range: 1_000..<2_000)
        var cursor = plan.cursor(instrument: "BTC-USDT", segment: 0)
        try cursor.receive([])
        #expect(cursor.isComplete && cursor.records.isEmpty)
    }

    @Test func aResumeRedoesTheSegmentOfTheNewestRecord() {
        let plan = DownloadPlan(instruments: ["BTC-USDT"], kind: .candles(.oneMinute), range: Self.start..<(Self.start + 250 * Self.minute))
        #expect(plan.resumePoint(lastRecordTime: nil) == .init(firstSegment: 0, keepBefore: Self.start))
        #expect(plan.resumePoint(lastRecordTime: Self.start - Self.minute) == .init(firstSegment: 0, keepBefore: Self.start))
        #expect(plan.resumePoint(lastRecordTime: Self.start + 150 * Self.minute)
                == .init(firstSegment: 1, keepBefore: Self.start + 100 * Self.minute))
        #expect(plan.resumePoint(lastRecordTime: Self.start + 250 * Self.minute).firstSegment == plan.segmentCount)
    }

    @Test func gapsAreReportedWithTheirMissingBars() {
        var tracker = GapTracker(instruments: ["BTC-USDT"], barMilliseconds: Self.minute, start: Self.start)
        tracker.observe([Self.candle(Self.start), Self.candle(Self.start + Self.minute), Self.candle(Self.start + 5 * Self.minute)])
        tracker.finish(at: Self.start + 8 * Self.minute + 30_000)
        #expect(tracker.gaps.map(\.missingBars) == [3, 2])
        #expect(tracker.gaps.first?.from == Self.start + 2 * Self.minute && tracker.gaps.first?.to == Self.start + 5 * Self.minute)
        #expect(tracker.gaps.first?.description == "BTC-USDT: 3 bars missing from 2024-01-01T00:02:00Z to 2024-01-01T00:05:00Z")
    }

    @Test func theBudgetNeverLetsMoreThanTheLimitIntoAWindow() {
        var budget = RequestBudget(limit: 20, window: .seconds(2))
        var sent: [Duration] = []
        var now = Duration.zero
        for index in 0..<200 {
            let at = budget.reserve(at: now)
            #expect(at >= now)
            sent.append(at)
            now = at + .milliseconds(index % 3 == 0 ? 0 : 7)
        }
        for (index, time) in sent.enumerated() {
            #expect(sent[index...].prefix { $0 < time + .seconds(2) }.count <= 20)
        }
        // The first 20 go at once; the pace after that is the limit's.
        #expect(sent[19] < .milliseconds(200) && sent[20] == .seconds(2))
        #expect(sent[199] < .seconds(21))
        // A request the server saw late (anywhere until its answer, 150 ms after sending) still
        // has a whole window before the 20th request after it: the budget counts from the answer.
        var answered = RequestBudget(limit: 20, window: .seconds(2))
        var sends: [Duration] = []
        now = .zero
        for _ in 0..<40 {
            let at = answered.reserve(at: now)
            sends.append(at)
            now = at + .milliseconds(150)
            answered.answered(at: now)
        }
        for index in 20..<40 { #expect(sends[index] >= sends[index - 20] + .milliseconds(150) + .seconds(2)) }
        var throttled = RequestBudget(limit: 20, window: .seconds(2))
        throttled.exhausted(at: .seconds(5))
        #expect(throttled.reserve(at: .seconds(5)) == .seconds(7))
    }

    @Test func retriesBackOffWithJitterAndStop() {
        let policy = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500))
        #expect(policy.delay(after: 1, random: 0) == .milliseconds(50))
        #expect(policy.delay(after: 1, random: 0.999_999)! <= .milliseconds(100))
        #expect(policy.delay(after: 2, random: 0) == .milliseconds(100))
        #expect(policy.delay(after: 4, random: 0) == .milliseconds(250))
        #expect(policy.delay(after: 5, random: 0) == nil)
    }

    @Test func datesAreUTCAndBadOnesAreRefused() {
        #expect(HistoryDate.parse("2024-01-01") == Self.start)
        #expect(HistoryDate.parse("2024-01-01T00:01") == Self.start + Self.minute)
        #expect(HistoryDate.parse("2024-01-01T00:00:30Z") == Self.start + 30_000)
        #expect(HistoryDate.parse("1704067200000") == Self.start)
        for bad in ["2024-02-30", "2024-1-1", "yesterday", "2024-01-01T25:00", "", "2024-01-01T00:00:00+02:00"] {
            #expect(HistoryDate.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func barsAreOKXSpelling() {
        #expect(HistoryKind.parse(bar: "1m") == .candles(.oneMinute))
        #expect(HistoryKind.parse(bar: "1H") == .candles(.oneHour))
        #expect(HistoryKind.parse(bar: "4h") == .candles(.fourHours))
        #expect(HistoryKind.parse(bar: "7m") == nil)
        #expect(HistoryKind.candles(.oneHour).channel == "candle1H")
    }

    @Test func pagesAreReadAndOKXErrorsKept() throws {
        let ok = #"{"code":"0","msg":"","data":[["1704067260000","1","2","0.5","1.5","10","15","15","1"]]}"#
        #expect(try HistoryPage.read(Array(ok.utf8), kind: .candles(.oneMinute), instrument: "BTC-USDT")
                == .records([HistoryRecord(instrument: "BTC-USDT", time: 1_704_067_260_000,
                                           fields: .candle(["1704067260000", "1", "2", "0.5", "1.5", "10", "15", "15", "1"]))]))
        let error = #"{"msg":"Invalid OK-ACCESS-KEY","code":"50111"}"#
        #expect(try HistoryPage.read(Array(error.utf8), kind: .trades, instrument: "BTC-USDT") == .okxError(code: "50111", message: "Invalid OK-ACCESS-KEY"))
        for bad in [#"{"code":"0","data":[["x"]]}"#, "<html>", #"{"code":"0","data":[{"tradeId":"1"}]}"#] {
            #expect(throws: HistoryPageError.self) { try HistoryPage.read(Array(bad.utf8), kind: .candles(.oneMinute), instrument: "BTC-USDT") }
        }
    }

    @Test func aRecordIsTheFrameALiveRecordingHolds() {
        let line = Self.candle(Self.start).line(kind: .candles(.oneMinute))
        #expect(line == #"{"recv_ns":1704067260000000000,"endpoint":"business","frame":"{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":[[\"1704067200000\",\"1\",\"2\",\"0.5\",\"1.5\",\"10\",\"15\",\"15\",\"1\"]]}"}"#)
        let trade = Self.trade(7, at: 1_000).line(kind: .trades)
        #expect(trade.hasPrefix(#"{"recv_ns":1000000000,"endpoint":"public","frame":"#))
    }

    @Test func progressShowsPercentAndETA() {
        let progress = HistoryProgress(segmentsDone: 1, segmentsToDo: 4, recordsWritten: 100, elapsed: .seconds(30))
        #expect(progress.bar(width: 8) == "[##......]  25%  100 records  ETA 1m30s")
        #expect(HistoryProgress(segmentsDone: 0, segmentsToDo: 4, recordsWritten: 0, elapsed: .zero).bar(width: 4) == "[....]   0%  0 records  ETA --")
    }
}
