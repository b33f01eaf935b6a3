import Foundation
import Logging
import MarketData
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// `runtime replay --speed Nx` keeps pace with event time, also on raw frames played in line order,
/// whose times go back and forth: OKX stamps a candle push with its bar's open time, up to a
/// minute before the trades around it.
@Suite(.watchdog) struct PacedReplayTests {
    @Test func aFrameStampedEarlierThanTheOnesBeforeItDoesNotHoldThePaceBack() async throws {
        // One minute of a synthetic market (600 steps of 100 ms): every trade pushes the minute's
        // candle, stamped at the minute's start.
        let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 7,
                                     start: Timestamp(millisecondsSinceEpoch: 1_722_000_000_000))
        let frames = SyntheticFeed(market: market, steps: 600).frames()
        let path = try PluginTestSupport.scratchDirectory("paced-replay") + "/raw.jsonl"
        try (frames.map(\.text).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        // Played in line order (as a raw file over the sorting limit is), at 100x: 0.6 s of pacing.
        // Paced on each frame's own time instead, every step after a candle waited again for the
        // time the candle went back: hours.
        let started = ContinuousClock.now
        let (summary, framesBehind) = try await Wait.signal("the paced replay's end", within: .seconds(120)) {
            let stream = try RecordedFrameStream(paths: [path], sortingFilesUpTo: 0)
            let summary = try await ReplaySession.run(stream: stream, speed: .multiple(100), engine: try StreamingReplayTests.engine(),
                                                      persistence: nil, logger: Logger(label: "test.paced"))
            return (summary, stream.framesBehind)
        }
        #expect(framesBehind > 100, "the recording's times go back at every candle")
        #expect(summary.frames == frames.count)
        #expect(summary.candles > 0 && summary.trades > 0)
        // Event time still paces it: a minute at 100x takes at least 0.6 s.
        #expect(ContinuousClock.now - started >= .milliseconds(590))
    }
}
