import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// The replay's read-ahead: frames read and decoded on another thread give, batch after batch,
/// what decoding each frame in place gives.
@Suite(.watchdog) struct DecodingFrameReaderTests {
    /// Collects what in-place decoding delivers, as the engine receives it.
    final class InPlace: MarketEventReceiver {
        var codec = OKXCodec()
        var expected = DecodedFrames()
        var receivedAt = Timestamp.zero
        func receive(trade: TradeTick) { expected.append(.trade(trade), receivedAt: receivedAt) }
        func receive(ticker: Ticker) { expected.append(.ticker(ticker), receivedAt: receivedAt) }
        func receive(candle: Candle) { expected.append(.candle(candle), receivedAt: receivedAt) }
        func receive(book: BookUpdate) { expected.append(.book(book), receivedAt: receivedAt) }
        func decode(_ frame: RecordedFrame) {
            expected.frameCount += 1
            receivedAt = frame.receivedAt
            do {
                switch try codec.decode(frame.bytes, deliveringTo: self) {
                case .marketEvents: break
                case .control: expected.controlFrames += 1
                case .unsupportedChannel: expected.unsupportedFrames += 1
                }
            } catch {
                expected.failures.append(error)
            }
        }
    }

    private static func temporaryFile(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("decoding-\(UUID().uuidString).jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every kind of frame: trades, tickers, candles, books, acknowledgements and a pong, an
    /// unsupported channel, and a frame that does not decode.
    private static func mixedFrames() throws -> [String] {
        var lines: [String] = []
        for file in ["trades", "tickers", "candle1m", "books_snapshot_update", "events", "other_public"] {
            lines += try FixtureFiles.lines("okx/ws/\(file).jsonl")
        }
        lines.insert(#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","px":"oops"}]}"#, at: 3)
        return lines
    }

    private static func stream(_ path: String) throws(RecordingError) -> RecordedFrameStream {
        try RecordedFrameStream(paths: [path], chunkSize: 4096, sortingFilesUpTo: 0)
    }

    @Test(arguments: [1, 7, 64, 100_000])
    func batchesHoldWhatDecodingEachFrameInPlaceGives(framesPerBatch: Int) async throws {
        let lines = try Self.mixedFrames()
        let path = try Self.temporaryFile(lines)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inPlace = InPlace()
        try Self.stream(path).forEachFrame { inPlace.decode($0) }
        let expected = inPlace.expected
        #expect(expected.frameCount == lines.count)
        #expect(expected.controlFrames > 0 && expected.unsupportedFrames > 0 && expected.failures.count == 1 && expected.events.count > 300)

        let reader = DecodingFrameReader(stream: try Self.stream(path), framesPerBatch: framesPerBatch, batchesAhead: 2)
        var merged = DecodedFrames()
        var batches = 0
        while let frames = try await reader.next() {
            batches += 1
            #expect(frames.frameCount <= framesPerBatch)
            merged.append(contentsOf: frames)
        }
        #expect(batches == (lines.count + framesPerBatch - 1) / framesPerBatch)
        #expect(merged.frameCount == expected.frameCount)
        #expect(merged.controlFrames == expected.controlFrames && merged.unsupportedFrames == expected.unsupportedFrames)
        #expect(merged.failures == expected.failures)
        #expect(merged.events == expected.events)
        #expect(merged.receivedAt == expected.receivedAt)
        #expect(try await reader.next() == nil, "the end stays the end")
    }

    @Test func aBadLineComesAfterTheFramesBeforeIt() async throws {
        let trades = try FixtureFiles.lines("okx/ws/trades.jsonl")
        let path = try Self.temporaryFile(Array(trades.prefix(5)) + [#"{"recv_ns":12}"#] + Array(trades.prefix(5)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expectedError: RecordingError?
        do throws(RecordingError) { try Self.stream(path).forEachFrame { _ in } } catch { expectedError = error }
        let expected = try #require(expectedError)

        let reader = DecodingFrameReader(stream: try Self.stream(path), framesPerBatch: 2)
        var frames = 0
        await #expect(throws: expected) {
            while let batch = try await reader.next() { frames += batch.frameCount }
        }
        #expect(frames == 5)
    }

    /// A consumer that leaves early cancels: the thread, blocked on a full queue, ends (and
    /// with it its hold on the reader), and the reader has no more batches.
    @Test func cancelingEndsTheThreadWhateverIsLeft() async throws {
        let trades = try FixtureFiles.lines("okx/ws/trades.jsonl")
        let path = try Self.temporaryFile(Array(repeating: trades, count: 50).flatMap { $0 })
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader: DecodingFrameReader? = DecodingFrameReader(stream: try Self.stream(path), framesPerBatch: 3, batchesAhead: 1)
        #expect(try await reader?.next()?.frameCount == 3)
        reader?.cancel()
        #expect(try await reader?.next() == nil)
        weak var released = reader
        reader = nil
        try await Wait.until("the cancelled reader's thread to end", within: .minutes(2)) { released == nil }
    }
}
