import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

/// OKX's books channels without an initial snapshot (production since August 2026): updates are
/// held until a snapshot fetched over REST arrives, and the book then follows the stream. Built
/// on a real `books-l2-tbt` capture whose every update carries OKX's checksum, so each update
/// applied after the snapshot proves the book right. The capture predates sequence ids; they are
/// numbered here (in steps of 7, as OKX's jump) in the capture's order.
@Suite(.watchdog) struct BookSnapshotOverRESTTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    /// ONT-USDT's 561 messages of the capture (its busiest book), numbered: the snapshot first, then updates.
    static func stream() throws -> [BookUpdate] {
        var codec = OKXCodec()
        var updates: [BookUpdate] = []
        let instrument = try InstrumentId(parsing: "ONT-USDT")
        for line in try FixtureFiles.lines("okx/ws/books_l2_tbt_snapshot_update.jsonl") {
            guard case .market(.book(var update)) = try codec.decode(line), update.instrument == instrument else { continue }
            update.seqId = 1_000 + 7 * Int64(updates.count)
            update.prevSeqId = updates.last?.seqId ?? -1
            updates.append(update)
        }
        try #require(updates.count > 100 && updates.first?.action == .snapshot)
        #expect(updates.dropFirst().filter { ($0.checksum ?? 0) != 0 }.count == updates.count - 1, "every update is checksummed")
        return updates
    }

    /// What `GET /api/v5/market/books` would have answered right after message `index`: the whole
    /// book then, and that message's seqId.
    static func restSnapshot(after index: Int, of stream: [BookUpdate]) throws -> BookUpdate {
        var truth = BookSynchronizer(instrument: stream[0].instrument)
        for update in stream[...index] { #expect(truth.apply(update, now: now) == .applied) }
        return BookUpdate(instrument: stream[0].instrument, channel: stream[0].channel, action: .snapshot, bids: truth.book.bids,
                          asks: truth.book.asks, timestamp: stream[index].timestamp, checksum: 0, seqId: stream[index].seqId, prevSeqId: -1)
    }

    @Test func updatesHeldBeforeAMidStreamSnapshotAreAppliedOnTopOfIt() throws {
        let stream = try Self.stream()
        var book = BookSynchronizer(instrument: stream[0].instrument)
        // No snapshot on subscribe: 1...40 arrive first and are held, asking for a snapshot once.
        var requests = 0
        for update in stream[1...40] {
            guard case .dropped(let wanted) = book.apply(update, now: Self.now) else { Issue.record("not held"); return }
            if wanted { requests += 1 }
        }
        #expect(requests == 1 && book.held.count == 40 && !book.isValid)
        // The snapshot was taken after message 25: 26...40 follow it, 26 straddling it.
        #expect(book.apply(try Self.restSnapshot(after: 25, of: stream), now: Self.now) == .applied)
        #expect(book.isValid && book.held.isEmpty && book.lastSeqId == stream[40].seqId)
        #expect(book.book.bids == (try Self.restSnapshot(after: 40, of: stream)).bids)
        // From here every update's own checksum checks the book.
        for (offset, update) in stream[41...].enumerated() {
            #expect(book.apply(update, now: Self.now) == .applied, "message \(41 + offset)")
        }
        #expect(book.incidents.total == 0)
        // A second snapshot asked for while the first was slow, arriving now, changes nothing.
        #expect(book.apply(try Self.restSnapshot(after: 25, of: stream), now: Self.now) == .heartbeat)
        #expect(book.lastSeqId == stream.last?.seqId)
    }

    @Test func aSnapshotOlderThanTheHeldUpdatesIsRefusedAndANewerOneSyncs() throws {
        let stream = try Self.stream()
        var book = BookSynchronizer(instrument: stream[0].instrument)
        // Subscribed late: the held stream starts at message 20.
        for update in stream[20...30] { _ = book.apply(update, now: Self.now) }
        let stale = try Self.restSnapshot(after: 10, of: stream)
        guard case .invalidated = book.apply(stale, now: Self.now) else { Issue.record("a stale snapshot was taken"); return }
        #expect(!book.isValid && book.incidents.staleSnapshots == 1 && book.held.count == 11, "the held updates stay")
        #expect(book.apply(try Self.restSnapshot(after: 22, of: stream), now: Self.now.advanced(byMilliseconds: 2_000)) == .applied)
        #expect(book.isValid && book.lastSeqId == stream[30].seqId)
        for update in stream[31...] { #expect(book.apply(update, now: Self.now) == .applied) }
    }

    @Test func aSnapshotNewerThanEveryHeldUpdateSkipsWhatItContains() throws {
        let stream = try Self.stream()
        var book = BookSynchronizer(instrument: stream[0].instrument)
        for update in stream[1...10] { _ = book.apply(update, now: Self.now) }
        // REST answered with the book after message 15; 11...15 were still in flight on the socket.
        #expect(book.apply(try Self.restSnapshot(after: 15, of: stream), now: Self.now) == .applied)
        for update in stream[11...15] { #expect(book.apply(update, now: Self.now) == .heartbeat, "already in the snapshot") }
        for (offset, update) in stream[16...].enumerated() {
            #expect(book.apply(update, now: Self.now) == .applied, "message \(16 + offset)")
        }
        #expect(book.incidents.total == 0)
    }

    @Test func aGapAfterwardsHoldsTheStreamAgainUntilTheNextSnapshot() throws {
        let stream = try Self.stream()
        var book = BookSynchronizer(instrument: stream[0].instrument)
        #expect(book.apply(stream[0], now: Self.now) == .applied, "a snapshot sent on the socket still works")
        for update in stream[1...20] { #expect(book.apply(update, now: Self.now) == .applied) }
        // Message 21 is lost: 22 reveals the gap and is held with what follows.
        guard case .invalidated(.sequenceGap, true) = book.apply(stream[22], now: Self.now) else { Issue.record("no gap"); return }
        for update in stream[23...30] { _ = book.apply(update, now: Self.now) }
        #expect(book.held.map(\.seqId) == stream[22...30].map(\.seqId))
        #expect(book.apply(try Self.restSnapshot(after: 24, of: stream), now: Self.now.advanced(byMilliseconds: 2_000)) == .applied)
        for update in stream[31...] { #expect(book.apply(update, now: Self.now) == .applied) }
    }
}
