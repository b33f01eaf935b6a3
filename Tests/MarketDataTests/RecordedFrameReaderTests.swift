import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// The chunked recording reader: every line cut at every chunk edge reads the same as the whole-file
/// loader, with memory bounded by the chunk.
@Suite(.watchdog) struct RecordedFrameReaderTests {
    /// Chunk sizes that put chunk edges everywhere: inside every frame, at CR/LF, mid-escape.
    static let chunkSizes = [1, 2, 3, 5, 7, 16, 64, 333, 4096]

    private static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func temporaryFile(_ name: String, _ text: String) throws -> String {
        try temporaryFile(name, Array(text.utf8))
    }

    /// What a stream yields in line order (each file streamed), owned. Sorting small files, the
    /// stream must give exactly what the whole-file loader gives.
    private static func read(_ paths: [String], chunkSize: Int,
                             timing: RecordedFrameReader.RawFrameTiming = .eventTime) throws -> [ReceivedFrame] {
        var streamed: [ReceivedFrame] = []
        try RecordedFrameStream(paths: paths, chunkSize: chunkSize, rawFrameTiming: timing, sortingFilesUpTo: 0)
            .forEachFrame { streamed.append($0.received()) }
        var sorted: [ReceivedFrame] = []
        try RecordedFrameStream(paths: paths, chunkSize: chunkSize, rawFrameTiming: timing).forEachFrame { sorted.append($0.received()) }
        #expect(sorted == (try RecordedFrames.load(paths: paths)), "chunk size \(chunkSize)")
        return streamed
    }

    private static func recorded(_ text: String, at nanoseconds: Int64, _ endpoint: OKXEndpointKind? = .public) -> String {
        FrameRecording.line(for: ReceivedFrame(text: text, receivedAt: Timestamp(nanosecondsSinceEpoch: nanoseconds), endpoint: endpoint))
    }

    @Test func rawFramesCutAtEveryChunkEdgeReadLikeTheWholeFileLoader() throws {
        let trades = try FixtureFiles.lines("okx/ws/trades.jsonl").prefix(6)
        let longFrame = trades[trades.startIndex]  // ~200 bytes: longer than most chunk sizes here
        // CRLF endings, blank and whitespace-only lines, a pong, a final line without newline.
        var text = longFrame + "\r\n\n   \n" + trades[trades.startIndex + 1] + "\n\r\n" + "pong\r\n\t\n"
        text += trades.dropFirst(2).joined(separator: "\n")
        let path = try Self.temporaryFile("raw.jsonl", text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try RecordedFrames.load(paths: [path])
        #expect(expected.count == 7)
        for chunkSize in Self.chunkSizes {
            let frames = try Self.read([path], chunkSize: chunkSize)
            // The loader sorts a file by time; these trades are in time order, so the orders agree.
            #expect(frames == expected, "chunk size \(chunkSize)")
            #expect(frames.allSatisfy { !$0.text.hasSuffix("\r") && !$0.text.isEmpty })
        }
        #expect(try Self.read([path], chunkSize: 5).last?.text == trades.last, "the last line has no newline and still counts")
    }

    @Test func recordingLinesAreUnwrappedWithTheirReceiveTimeAndEndpoint() throws {
        let trade = try #require(try FixtureFiles.lines("okx/ws/trades.jsonl").first)
        let escaped = "tab\there \"quoted\" back\\slash ünïcode 😀 \u{01}"
        let lines = [Self.recorded(trade, at: 1_716_200_000_123_456_789), Self.recorded("pong", at: 1_716_200_000_223_456_789, .business),
                     Self.recorded(escaped, at: 1_716_200_000_323_456_789, nil), trade]
        let path = try Self.temporaryFile("recording.jsonl", lines.joined(separator: "\r\n") + "\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try RecordedFrames.load(paths: [path])
        for chunkSize in Self.chunkSizes {
            let frames = try Self.read([path], chunkSize: chunkSize)
            #expect(frames.map(\.text) == [trade, "pong", escaped, trade], "chunk size \(chunkSize)")
            #expect(frames.map(\.endpoint) == [.public, .business, nil, nil])
            #expect(frames.map(\.receivedAt.nanosecondsSinceEpoch).prefix(3) == [1_716_200_000_123_456_789, 1_716_200_000_223_456_789,
                                                                                 1_716_200_000_323_456_789])
        }
        // The raw trade after the recording lines carries its own exchange time, as the loader gives it
        // (the loader sorts it first: its 2022 exchange time is before the recording's times).
        #expect(try Self.read([path], chunkSize: 7).last == expected.first)
        #expect(expected.first?.text == trade && expected.first?.endpoint == nil)
    }

    @Test func aLineLongerThanTheChunkGrowsTheBufferOnlyForItself() throws {
        let trade = try #require(try FixtureFiles.lines("okx/ws/trades.jsonl").first)
        let huge = #"{"arg":{"channel":"unknown_channel"},"data":[""# + String(repeating: "x", count: 100_000) + #""]}"#
        let path = try Self.temporaryFile("long.jsonl", [trade, huge, trade].joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frames = try Self.read([path], chunkSize: 1024)
        #expect(frames.map(\.text) == [trade, huge, trade])
        let reader = try RecordedFrameReader(path: path, chunkSize: 1024)
        var lines: [Int] = []
        try reader.forEachFrame { lines.append($0.line) }
        #expect(lines == [1, 2, 3])
    }

    @Test func aBadLineIsNamedWithItsFileAndLineAsTheLoaderNamesIt() throws {
        let trade = try #require(try FixtureFiles.lines("okx/ws/trades.jsonl").first)
        for bad in [#"{"recv_ns":12}"#, #"{"recv_ns":"12","frame":"x"}"#, #"{"recv_ns":12,"frame":"x""#] {
            let path = try Self.temporaryFile("bad.jsonl", [trade, "", bad, trade].joined(separator: "\n") + "\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            var loaderError: RecordingError?
            do { _ = try RecordedFrames.load(paths: [path]) } catch { loaderError = error }
            let expected = try #require(loaderError)
            guard case .lineError(let errorPath, let line, _) = expected else {
                Issue.record("the loader reported \(expected)")
                continue
            }
            #expect(errorPath == path && line == 3)
            #expect(expected.description.hasPrefix("\(path):3: "))
            for chunkSize in [1, 7, 4096] {
                var frames = 0
                #expect(throws: expected) {
                    try RecordedFrameStream(paths: [path], chunkSize: chunkSize, sortingFilesUpTo: 0).forEachFrame { _ in frames += 1 }
                }
                #expect(frames == 1, "streamed, the frames before the bad line are played")
                // A small file is read whole on opening, so nothing of it plays.
                #expect(throws: expected) { try RecordedFrameStream(paths: [path], chunkSize: chunkSize) }
            }
        }
    }

    @Test func severalFilesMergeByTimeTiesInArgumentOrderAsTheLoaderDoes() throws {
        let trade = try #require(try FixtureFiles.lines("okx/ws/trades.jsonl").first)
        let first = [10, 20, 20, 40].map { Self.recorded(trade, at: Int64($0), .public) }
        let second = [5, 20, 30, 50].map { Self.recorded("pong", at: Int64($0), .business) }
        let firstPath = try Self.temporaryFile("a.jsonl", first.joined(separator: "\n") + "\n")
        let secondPath = try Self.temporaryFile("b.jsonl", second.joined(separator: "\n"))
        defer {
            try? FileManager.default.removeItem(atPath: firstPath)
            try? FileManager.default.removeItem(atPath: secondPath)
        }
        for paths in [[firstPath, secondPath], [secondPath, firstPath]] {
            let expected = try RecordedFrames.load(paths: paths)
            for chunkSize in Self.chunkSizes {
                #expect(try Self.read(paths, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
            }
        }
        // Raw fixture files (each in time order) merge by exchange time like the loader.
        let raw = ["okx/ws/events.jsonl", "okx/ws/candle1m.jsonl", "okx/ws/bbo_tbt.jsonl"].map { FixtureFiles.url($0).path }
        #expect(try Self.read(raw, chunkSize: 64) == (try RecordedFrames.load(paths: raw)))
    }

    @Test func rawFrameTimingIsTheExchangeTimeOrInherited() throws {
        let trades = Array(try FixtureFiles.lines("okx/ws/trades.jsonl").prefix(2))
        let lines = [trades[0], "pong", Self.recorded("pong", at: 77), trades[1]]
        let path = try Self.temporaryFile("timing.jsonl", lines.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var codec = OKXCodec()
        let exchangeTimes = try trades.map { try #require(try codec.decode($0).marketEvents.first?.timestamp) }
        let timed = try Self.read([path], chunkSize: 16, timing: .eventTime).map(\.receivedAt)
        #expect(timed == [exchangeTimes[0], exchangeTimes[0], Timestamp(nanosecondsSinceEpoch: 77), exchangeTimes[1]])
        var inherited: [Timestamp] = []
        try RecordedFrameStream(paths: [path], chunkSize: 16, rawFrameTiming: .inherited, sortingFilesUpTo: 0)
            .forEachFrame { inherited.append($0.receivedAt) }
        #expect(inherited == [.zero, .zero, Timestamp(nanosecondsSinceEpoch: 77), Timestamp(nanosecondsSinceEpoch: 77)])
    }

    @Test func aSmallFileOutOfTimeOrderIsSortedLikeTheLoaderALargerOnePlaysAsWrittenAndIsCounted() throws {
        // The fixtures mix instruments, so their exchange times go backwards in places.
        let paths = ["okx/ws/trades.jsonl", "okx/ws/tickers.jsonl", "okx/ws/books5.jsonl"].map { FixtureFiles.url($0).path }
        let small = try RecordedFrameStream(paths: paths, chunkSize: 512)
        var sorted: [ReceivedFrame] = []
        try small.forEachFrame { sorted.append($0.received()) }
        #expect(sorted == (try RecordedFrames.load(paths: paths)))
        #expect(small.framesBehind == 0)

        let large = try RecordedFrameStream(paths: [paths[0]], chunkSize: 512, sortingFilesUpTo: 4096)
        var texts: [String] = []
        try large.forEachFrame { texts.append(String(decoding: $0.bytes, as: UTF8.self)) }
        #expect(texts == (try FixtureFiles.lines("okx/ws/trades.jsonl")))
        #expect(large.framesBehind > 0)
    }

    @Test func emptyAndUnreadableFiles() throws {
        let empty = try Self.temporaryFile("empty.jsonl", "\n\r\n  \n")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try Self.read([empty], chunkSize: 3).isEmpty)
        #expect(throws: RecordingError.self) { try RecordedFrameStream(paths: [empty, "/nonexistent/file.jsonl"]) }
        do {
            _ = try RecordedFrameReader(path: "/nonexistent/file.jsonl")
            Issue.record("opened a file that does not exist")
        } catch {
            #expect(error.description.contains("/nonexistent/file.jsonl"))
        }
    }
}
