import Foundation
import History
import Logging
import MarketData
import OKXTestServer
import Synchronization
import TestSupport
import Testing
import TradingCore

/// The live feed on a books channel that sends no snapshot (OKX since August 2026), over real
/// sockets: a local OKX WebSocket server streams a real `books-l2-tbt` capture without its
/// snapshot, a local REST server answers `GET /api/v5/market/books` with the book part way
/// through it, and the consumer's book syncs and then matches every checksum the capture carries.
@Suite(.watchdog) struct BookSnapshotFeedTests {
    static let instrument = "ONT-USDT"

    /// ONT-USDT's messages of the capture with sequence ids added (the capture predates them).
    static func numberedFrames() throws -> [String] {
        let url = HistoryFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/okx/ws/books_l2_tbt_snapshot_update.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { $0.contains(#""instId":"\#(instrument)""#) }
        return lines.enumerated().map { index, line in
            let seqId = 1_000 + 7 * index, prevSeqId = index == 0 ? -1 : 1_000 + 7 * (index - 1)
            return line.replacingOccurrences(of: #""checksum":"#, with: #""seqId":\#(seqId),"prevSeqId":\#(prevSeqId),"checksum":"#)
        }
    }

    /// What the REST endpoint answers: the book after frame `index`, with that frame's seqId.
    static func restAnswer(after index: Int, of frames: [String]) throws -> String {
        var codec = OKXCodec()
        var truth: BookSynchronizer?
        for frame in frames[...index] {
            guard case .market(.book(let update)) = try codec.decode(frame) else { continue }
            var book = truth ?? BookSynchronizer(instrument: update.instrument)
            _ = book.apply(update, now: update.timestamp)
            truth = book
        }
        let book = try #require(truth)
        func levels(_ levels: [BookLevel]) -> String {
            levels.map { #"["\#($0.price)","\#($0.size)","0","\#($0.orderCount)"]"# }.joined(separator: ",")
        }
        return #"{"code":"0","msg":"","data":[{"asks":[\#(levels(book.book.asks))],"bids":[\#(levels(book.book.bids))],"ts":"\#(book.book.timestamp.millisecondsSinceEpoch)","seqId":\#(try #require(book.lastSeqId))}]}"#
    }

    @Test func aBooksStreamWithoutASnapshotSyncsFromRESTAndFollowsEveryChecksum() async throws {
        let frames = try Self.numberedFrames()
        try #require(frames.count > 500)
        let rest = try await OKXRestTestServer.start(script: OKXRestScript(books: [Self.instrument: try Self.restAnswer(after: 3, of: frames)]))
        // The socket never sends the snapshot (frame 0): only updates, as OKX does now.
        let socket = try await OKXTestServer.start(script: OKXTestScript(frames: Array(frames.dropFirst()), interval: .milliseconds(1)))
        let configuration = try FeedConfiguration(section: [:], environment: ["OKX_WS_PUBLIC_URL": socket.publicURL,
                                                                              "OKX_WS_BUSINESS_URL": socket.businessURL])
        let recorded = Mutex<[String]>([])
        let subscription = OKXSubscription(channel: "books-l2-tbt", instId: Self.instrument)
        let feed = OKXLiveFeed(configuration: configuration, subscriptions: [subscription], logger: Logger(label: "test-feed"),
                               rawFrames: { frame in recorded.withLock { $0.append(frame.text) } },
                               bookSnapshots: BookSnapshotDownloader(options: .init(baseURL: rest.baseURL)).source)
        let books = Mutex(OrderBooks())
        let lastSeqId = try #require(Int64(1_000 + 7 * (frames.count - 1)))
        let consumer = Task {
            for await event in feed.events() {
                guard case .market(.book(let update), let receivedAt) = event else { continue }
                if let wanted = books.withLock({ $0.apply(update, now: receivedAt).resubscribe }) { feed.requestSnapshot(wanted) }
            }
        }
        feed.start()
        let id = try InstrumentId(parsing: Self.instrument)
        try await Wait.until("the book synced and followed the whole capture", {
            books.withLock { $0[id, .booksL2Tbt] }.map { ($0.isValid, $0.lastSeqId) }
        }, satisfies: { $0?.0 == true && $0?.1 == lastSeqId })
        let synchronizer = try #require(books.withLock { $0[id, .booksL2Tbt] })
        await feed.stop()
        await consumer.value
        try await socket.shutdown()
        try await rest.shutdown()

        #expect(synchronizer.incidents.total == 0, "\(synchronizer.incidents)")
        // One fetch, or more when an answer took longer than the synchronizer's backoff (a loaded machine).
        #expect(!rest.served.isEmpty && rest.served.allSatisfy { $0.path == "/api/v5/market/books" && $0.query["sz"] == "400" })
        // Every fetched snapshot went to the recorder with the socket's frames, so a replay builds the same book.
        #expect(recorded.withLock { $0.filter { $0.contains(#""action":"snapshot""#) }.count } == rest.served.count)
    }
}
