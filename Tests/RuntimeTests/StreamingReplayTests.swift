import Foundation
import Logging
import MarketData
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// `runtime replay` drives the engine straight from the chunked reader; it must trade exactly as the
/// event path (whole-file load, FrameDecoder, `engine.handle(event)`) did on the same recording.
@Suite(.watchdog) struct StreamingReplayTests {
    static func engine() throws -> TradingEngine {
        try TradingEngine(strategies: try EngineReplayTests.strategies(), instruments: PluginTestSupport.catalog.instruments,
                          quality: .standard, accountLimits: .init(), venue: .init(orderIdSessionTag: "T"),
                          options: .init(mode: .replay, runTag: "T"), logger: Logger(label: "test.engine"))
    }

    /// Half an hour of a seeded synthetic BTC-USDT market (trades, books5, tickers, candles) plus
    /// the acknowledgements a recording starts with, in the `runtime record` format.
    static func recordedFrames() throws -> [ReceivedFrame] {
        let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 3,
                                     start: Timestamp(millisecondsSinceEpoch: 1_722_000_000_000))
        let frames = SyntheticFeed(market: market, steps: 18_000).frames()
        let start = try #require(frames.first).receivedAt
        let acknowledgement = ReceivedFrame(text: #"{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a1"}"#,
                                            receivedAt: start, endpoint: .public)
        return [acknowledgement] + frames.map { ReceivedFrame(text: $0.text, receivedAt: $0.receivedAt, endpoint: .public) }
    }

    /// Writes the frames as a recording into a scratch directory of its own (tests run in parallel).
    static func write(_ frames: [ReceivedFrame], named name: String) throws -> String {
        let path = try PluginTestSupport.scratchDirectory("streaming-replay-\(name)") + "/" + name
        try (frames.map(FrameRecording.line(for:)).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The figures both paths must agree on: everything but the frame-level counters only the frame
    /// path keeps and the wall-clock measurement of slow callbacks.
    static func comparable(_ summary: EngineSummary) -> EngineSummary {
        var summary = summary
        summary.frames = 0
        summary.controlMessages = 0
        summary.unsupportedFrames = 0
        summary.budgetOverruns = 0
        return summary
    }

    static func eventPath(_ paths: [String]) async throws -> EngineSummary {
        let feed = ReplayFeed(frames: try RecordedFrames.load(paths: paths))
        return await ReplaySession.run(feed: feed, engine: try engine(), persistence: nil, logger: Logger(label: "test.replay"))
    }

    static func streamingPath(_ paths: [String], chunkSize: Int) async throws -> EngineSummary {
        try await ReplaySession.run(recordings: paths, engine: try engine(), persistence: nil, chunkSize: chunkSize,
                                    logger: Logger(label: "test.replay"))
    }

    @Test func aRecordingReplaysToTheSameSummaryThroughTheReaderAsThroughTheEventPath() async throws {
        let frames = try Self.recordedFrames()
        let path = try Self.write(frames, named: "recording.jsonl")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > RecordedFrameReader.defaultSortingLimit, "large enough to be streamed, not sorted in memory")
        let expected = try await Self.eventPath([path])
        #expect(expected.trades > 1_000 && expected.books > 1_000 && expected.fills > 0, "the fixture trades: \(expected)")
        // A small chunk puts chunk edges inside many frames.
        let streamed = try await Self.streamingPath([path], chunkSize: 4096)
        #expect(Self.comparable(streamed) == Self.comparable(expected))
        #expect(streamed.frames == frames.count)
        #expect(streamed.controlMessages == 1)
    }

    @Test func severalRecordingsMergeToTheSameSummaryAsTheEventPath() async throws {
        let frames = try Self.recordedFrames()
        // Split by channel: each file is in receive order, the merge interleaves them again.
        let isTradeOrTicker = { (frame: ReceivedFrame) in frame.text.contains(#""channel":"trades""#) || frame.text.contains(#""channel":"tickers""#) }
        let first = try Self.write(frames.filter(isTradeOrTicker), named: "trades-tickers.jsonl")
        let second = try Self.write(frames.filter { !isTradeOrTicker($0) }, named: "books-candles.jsonl")
        let expected = try await Self.eventPath([first, second])
        let streamed = try await Self.streamingPath([first, second], chunkSize: 1 << 16)
        #expect(Self.comparable(streamed) == Self.comparable(expected))
        #expect(expected.candles > 0 && expected.books > 0 && expected.trades > 0)
    }

    @Test func aBadLineStopsTheReplayNamingFileAndLine() async throws {
        var lines = try Self.recordedFrames().prefix(2_000).map(FrameRecording.line(for:))
        lines.insert(#"{"recv_ns":1722000000000000000}"#, at: 1_500)
        let path = try PluginTestSupport.scratchDirectory("streaming-replay-bad") + "/bad.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        await #expect(throws: RecordingError.lineError(path: path, line: 1_501, reason: "malformed recording line: a recording line needs recv_ns and frame")) {
            try await Self.streamingPath([path], chunkSize: 4096)
        }
    }

    /// A file that is no recording (a README given by mistake) is refused at its first line
    /// instead of replaying as a run of undecodable frames that exits 0.
    @Test func aFileThatIsNoRecordingIsRefused() async throws {
        let readme = PluginTestSupport.packageRoot.appendingPathComponent("README.md").path
        let replay = try await HostEndToEndTests.run(["replay", readme, "--no-persist"], environment: [:])
        #expect(replay.status != 0, "\(replay.output.suffix(2_000))")
        #expect(replay.output.contains("README.md:1: malformed recording line: neither a recording line nor an OKX message"),
                "\(replay.output.suffix(2_000))")
    }
}
