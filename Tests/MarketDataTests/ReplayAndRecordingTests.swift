import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

@Suite(.watchdog) struct ReplayAndRecordingTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("marketdata-\(UUID().uuidString)-\(name)").path
    }

    @Test func recordingLinesRoundTripExactly() throws {
        let frames = [
            ReceivedFrame(text: #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}"#, receivedAt: Timestamp(nanosecondsSinceEpoch: 1_716_200_000_123_456_789), endpoint: .public),
            ReceivedFrame(text: "pong", receivedAt: Timestamp(nanosecondsSinceEpoch: 2), endpoint: .business),
            ReceivedFrame(text: "tab\there \"quoted\" back\\slash ünïcode 😀 \u{01}", receivedAt: Timestamp(nanosecondsSinceEpoch: 3)),
        ]
        for frame in frames {
            let line = FrameRecording.line(for: frame)
            #expect(!line.contains("\n"))
            #expect(try FrameRecording.parse(line: line) == frame)
            // The line is ordinary JSON to any other reader.
            let object = try IndependentReading.object(line)
            #expect(object["frame"] as? String == frame.text)
            #expect((object["recv_ns"] as? NSNumber)?.int64Value == frame.receivedAt.nanosecondsSinceEpoch)
        }
        #expect(try FrameRecording.parse(line: #"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}"#) == nil)
        #expect(throws: RecordingError.self) { try FrameRecording.parse(line: #"{"recv_ns":12}"#) }
        // OKX's keepalive answer is a raw frame; a line of any other text means the file is no recording.
        #expect(try FrameRecording.parse(line: "pong") == nil)
        #expect(try FrameRecording.parse(line: " pong\r") == nil)
        #expect(throws: RecordingError.malformedLine("neither a recording line nor an OKX message (a JSON object, or the text pong): is this file a recording?")) {
            try FrameRecording.parse(line: "# ea-okx runtime")
        }
        #expect(throws: RecordingError.self) { try FrameRecording.parse(line: #"{"recv_ns":"12","frame":"x"}"#) }
    }

    @Test func recorderOutputReplaysToTheSameEventsTwice() throws {
        let path = temporaryPath("recording.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try FrameRecorder(path: path)
        var time = Timestamp(millisecondsSinceEpoch: 1_652_459_000_000)
        var original: [ReceivedFrame] = []
        for line in try FixtureFiles.lines("okx/ws/trades.jsonl") + FixtureFiles.lines("okx/ws/books5.jsonl") + ["pong"] {
            time = time.advanced(byMilliseconds: 3)
            let frame = ReceivedFrame(text: line, receivedAt: time, endpoint: .public)
            original.append(frame)
            recorder.record(frame)
        }
        recorder.close()
        #expect(recorder.frameCount == original.count)
        let loaded = try RecordedFrames.load(paths: [path])
        #expect(loaded == original)
        let first = try ReplayFeed(paths: [path]).allEvents()
        let second = try ReplayFeed(paths: [path]).allEvents()
        #expect(first == second)
        #expect(first.count == 79 + 4)
        #expect(first.allSatisfy { if case .market = $0 { true } else { false } })
    }

    @Test func rawFixtureFilesReplayOnEventTimeDeterministically() async throws {
        let paths = [FixtureFiles.url("okx/ws/trades.jsonl").path, FixtureFiles.url("okx/ws/tickers.jsonl").path,
                     FixtureFiles.url("okx/ws/events.jsonl").path]
        let frames = try RecordedFrames.load(paths: paths)
        #expect(frames.count == 79 + 56 + 26)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.receivedAt <= $1.receivedAt }, "merged in event-time order")
        let feed = try ReplayFeed(paths: paths)
        var streamed: [FeedEvent] = []
        for await event in feed.events() { streamed.append(event) }
        var again: [FeedEvent] = []
        for await event in try ReplayFeed(paths: paths).events() { again.append(event) }
        #expect(streamed == again)
        #expect(streamed == feed.allEvents())
        let marketTimes = streamed.compactMap { event -> Timestamp? in
            guard case .market(let market, let receivedAt) = event else { return nil }
            #expect(receivedAt == market.timestamp, "raw frames are stamped with their exchange time")
            return market.timestamp
        }
        #expect(marketTimes.count == 79 + 56)
        #expect(marketTimes == marketTimes.sorted())
    }

    @Test func unreadableInputIsReported() {
        #expect(throws: RecordingError.self) { try RecordedFrames.load(paths: ["/nonexistent/file.jsonl"]) }
    }
}

@Suite(.watchdog) struct SyntheticFeedTests {
    static let instruments = [try! InstrumentId(parsing: "BTC-USDT"), try! InstrumentId(parsing: "ETH-USDT-SWAP")]

    @Test func framesGoThroughTheRealCodecAndAreDeterministic() throws {
        let start = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        let feed = SyntheticFeed(market: SyntheticMarket(instruments: Self.instruments, seed: 42, start: start), steps: 1500)
        #expect(feed.isSynthetic)
        #expect(feed.label.hasPrefix("SYNTHETIC"))
        let frames = feed.frames()
        #expect(frames == SyntheticFeed(market: SyntheticMarket(instruments: Self.instruments, seed: 42, start: start), steps: 1500).frames())
        #expect(frames != SyntheticFeed(market: SyntheticMarket(instruments: Self.instruments, seed: 43, start: start), steps: 1500).frames())
        var codec = OKXCodec()
        var trades = 0, books = 0, tickers = 0, candles = 0, confirmed = 0
        var synchronizers: [InstrumentId: BookSynchronizer] = [:]
        for frame in frames {
            for event in try codec.decode(frame.text).marketEvents {
                switch event {
                case .trade: trades += 1
                case .ticker(let ticker):
                    tickers += 1
                    #expect(ticker.low24h <= ticker.high24h)
                case .candle(let candle):
                    candles += 1
                    if candle.isConfirmed == true { confirmed += 1 }
                case .book(let update):
                    books += 1
                    var synchronizer = synchronizers[update.instrument] ?? BookSynchronizer(instrument: update.instrument)
                    #expect(synchronizer.apply(update, now: frame.receivedAt) == .applied, "synthetic books are never crossed")
                    synchronizers[update.instrument] = synchronizer
                }
                #expect(event.timestamp <= frame.receivedAt)
            }
        }
        #expect(trades > 1500 && books == 3000 && tickers == 300 && candles > 1500)
        #expect(confirmed >= 4, "2.5 minutes of bars for two instruments close at least 4 bars")
    }

    @Test func streamDeliversTheSameEventsAsTheFrames() async throws {
        let market = SyntheticMarket(instruments: Self.instruments, seed: 7, start: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                                     channels: [.trades, .books5])
        let feed = SyntheticFeed(market: market, steps: 200)
        var streamed: [FeedEvent] = []
        for await event in feed.events() { streamed.append(event) }
        #expect(streamed == ReplayFeed(frames: feed.frames(), isSynthetic: true).allEvents())
    }
}
