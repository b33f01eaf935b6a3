import Foundation
import TestSupport
import Testing
import TradingCore
@testable import MarketData

@Suite(.watchdog) struct BookChecksumTests {
    @Test func crc32MatchesTheIEEEReferenceValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func checksumVectorsReproduce() throws {
        let data = try Data(contentsOf: FixtureFiles.url("okx/checksum_vectors.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(!vectors.isEmpty)
        for vector in vectors {
            func levels(_ key: String) throws -> [BookLevel] {
                try (vector[key] as! [[String]]).map {
                    BookLevel(price: try Price(parsing: $0[0]), size: try Quantity(parsing: $0[1]), orderCount: Int($0[3]) ?? 0)
                }
            }
            let book = OrderBook(instrument: try InstrumentId(parsing: "BTC-USDT"), bids: try levels("bids"), asks: try levels("asks"))
            #expect(BookChecksum.checkString(bids: book.bids, asks: book.asks) == vector["check_string"] as? String)
            #expect(BookChecksum.compute(book) == Int32((vector["expected_checksum"] as! NSNumber).int64Value))
            #expect(UInt32(bitPattern: BookChecksum.compute(book)) == UInt32((vector["expected_checksum_unsigned"] as! NSNumber).int64Value))
        }
    }
}

@Suite(.watchdog) struct BookSynchronizerTests {
    private static let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    /// Replays a recorded books stream through one synchronizer per instrument: every checksum must match.
    @Test(arguments: ["okx/ws/books_snapshot_update.jsonl", "okx/ws/books_l2_tbt_snapshot_update.jsonl"])
    func everyRecordedChecksumMatches(file: String) throws {
        var codec = OKXCodec()
        var books: [InstrumentId: BookSynchronizer] = [:]
        var checked = 0
        for (number, line) in try FixtureFiles.lines(file).enumerated() {
            guard case .market(.book(let update)) = try codec.decode(line) else { continue }
            var synchronizer = books[update.instrument] ?? BookSynchronizer(instrument: update.instrument)
            let outcome = synchronizer.apply(update, now: Self.now)
            #expect(outcome == .applied, "line \(number + 1): \(outcome)")
            #expect(synchronizer.isValid)
            if let checksum = update.checksum, checksum != 0 { checked += 1 }
            books[update.instrument] = synchronizer
        }
        #expect(checked > 100)
        #expect(books.values.allSatisfy { $0.incidents.total == 0 && $0.incidents.resubscribeRequests == 0 })
    }

    @Test func aCorruptedUpdateIsDetectedAndAsksForOneResubscribe() throws {
        var codec = OKXCodec()
        var lines = try FixtureFiles.lines("okx/ws/books_snapshot_update.jsonl")
        // Corrupt the first update: change one size, keep the exchange's checksum.
        let index = try #require(lines.firstIndex { $0.contains(#""action":"update""#) })
        let original = lines[index]
        let corrupted = try Self.bumpFirstSize(original)
        #expect(corrupted != original)
        lines[index] = corrupted
        let instrumentOfCorrupted = try Self.bookUpdate(&codec, corrupted).instrument

        var synchronizer: BookSynchronizer?
        var invalidations = 0
        var resubscribes = 0
        var time = Self.now
        for line in lines {
            let update = try Self.bookUpdate(&codec, line)
            guard update.instrument == instrumentOfCorrupted else { continue }
            var current = synchronizer ?? BookSynchronizer(instrument: update.instrument)
            time = time.advanced(byMilliseconds: 10)
            switch current.apply(update, now: time) {
            case .invalidated(let incident, let resubscribe):
                invalidations += 1
                if resubscribe { resubscribes += 1 }
                guard case .checksumMismatch = incident else {
                    Issue.record("expected a checksum mismatch, got \(incident)")
                    break
                }
            case .dropped(let resubscribe):
                if resubscribe { resubscribes += 1 }
            case .applied, .heartbeat:
                break
            }
            synchronizer = current
        }
        let final = try #require(synchronizer)
        #expect(invalidations == 1)
        #expect(final.incidents.checksumMismatches == 1)
        #expect(!final.isValid)
        // Every later update was dropped, and within the backoff only one resubscribe was requested.
        #expect(final.incidents.updatesDroppedWhileInvalid > 0)
        #expect(resubscribes == 1)
        #expect(final.incidents.resubscribeRequests == 1)
    }

    @Test func sequenceContinuityHeartbeatAndGap() throws {
        let instrument = try InstrumentId(parsing: "BTC-USDT")
        func level(_ price: String, _ size: String) throws -> BookLevel {
            BookLevel(price: try Price(parsing: price), size: try Quantity(parsing: size), orderCount: 1)
        }
        var book = BookSynchronizer(instrument: instrument)
        let snapshot = BookUpdate(instrument: instrument, channel: .books, action: .snapshot, bids: [try level("100", "1")],
                                  asks: [try level("101", "2")], timestamp: Self.now, checksum: 0, seqId: 10, prevSeqId: -1)
        #expect(book.apply(snapshot, now: Self.now) == .applied)
        #expect(book.lastSeqId == 10)
        // Updates before a snapshot are dropped.
        var fresh = BookSynchronizer(instrument: instrument)
        let early = BookUpdate(instrument: instrument, channel: .books, action: .update, bids: [], asks: [],
                               timestamp: Self.now, seqId: 11, prevSeqId: 10)
        #expect(fresh.apply(early, now: Self.now) == .dropped(resubscribe: true))

        let next = BookUpdate(instrument: instrument, channel: .books, action: .update, bids: [try level("100.5", "3")], asks: [],
                              timestamp: Self.now, seqId: 11, prevSeqId: 10)
        #expect(book.apply(next, now: Self.now) == .applied)
        #expect(book.book.bestBid?.price.description == "100.5")
        let heartbeat = BookUpdate(instrument: instrument, channel: .books, action: .update, bids: [], asks: [],
                                   timestamp: Self.now.advanced(byMilliseconds: 5), seqId: 11, prevSeqId: 11)
        #expect(book.apply(heartbeat, now: Self.now) == .heartbeat)
        let deleteLevel = BookUpdate(instrument: instrument, channel: .books, action: .update, bids: [try level("100.5", "0")],
                                     asks: [], timestamp: Self.now, seqId: 15, prevSeqId: 11)
        #expect(book.apply(deleteLevel, now: Self.now) == .applied)
        #expect(book.book.bestBid?.price.description == "100")
        // A lost message: prevSeqId 16 does not continue 15.
        let gapped = BookUpdate(instrument: instrument, channel: .books, action: .update, bids: [try level("99", "1")], asks: [],
                                timestamp: Self.now, seqId: 17, prevSeqId: 16)
        #expect(book.apply(gapped, now: Self.now)
                == .invalidated(.sequenceGap(expectedPrevSeqId: 15, receivedPrevSeqId: 16, seqId: 17), resubscribe: true))
        #expect(!book.isValid)
        #expect(book.incidents.sequenceGaps == 1)
        // No storm: more updates within the backoff ask for nothing; after the backoff, one more request.
        #expect(book.apply(gapped, now: Self.now.advanced(byMilliseconds: 100)) == .dropped(resubscribe: false))
        #expect(book.resubscribeIfDue(now: Self.now.advanced(byMilliseconds: 500)) == false)
        #expect(book.resubscribeIfDue(now: Self.now.advanced(byMilliseconds: 1000)) == true)
        #expect(book.resubscribeIfDue(now: Self.now.advanced(byMilliseconds: 2500)) == false)  // backoff doubled to 2 s
        #expect(book.resubscribeIfDue(now: Self.now.advanced(byMilliseconds: 3000)) == true)
        #expect(book.incidents.resubscribeRequests == 3)
        // A fresh snapshot restores the book and clears the outstanding request.
        let resnapshot = BookUpdate(instrument: instrument, channel: .books, action: .snapshot, bids: [try level("100", "1")],
                                    asks: [try level("101", "2")], timestamp: Self.now, seqId: 40, prevSeqId: -1)
        #expect(book.apply(resnapshot, now: Self.now.advanced(byMilliseconds: 3100)) == .applied)
        #expect(book.isValid)
        #expect(book.outstandingResubscribeSince == nil)
    }

    @Test func aCrossedBookIsInvalid() throws {
        let instrument = try InstrumentId(parsing: "ETH-USDT")
        var book = BookSynchronizer(instrument: instrument)
        let crossed = BookUpdate(
            instrument: instrument, channel: .books5, action: .snapshot,
            bids: [BookLevel(price: try Price(parsing: "101"), size: try Quantity(parsing: "1"), orderCount: 1)],
            asks: [BookLevel(price: try Price(parsing: "100"), size: try Quantity(parsing: "1"), orderCount: 1)],
            timestamp: Self.now)
        #expect(book.apply(crossed, now: Self.now)
                == .invalidated(.crossed(bestBid: try Price(parsing: "101"), bestAsk: try Price(parsing: "100")), resubscribe: true))
        #expect(book.incidents.crossedBooks == 1)
        #expect(!book.isValid)
    }

    private static func bookUpdate(_ codec: inout OKXCodec, _ line: String) throws -> BookUpdate {
        guard case .market(.book(let update)) = try codec.decode(line) else { throw IndependentReading.Failure(description: "not a book line") }
        return update
    }

    /// Adds 1 to the first level size in the line (as JSON), leaving everything else as it was.
    private static func bumpFirstSize(_ line: String) throws -> String {
        var object = try IndependentReading.object(line)
        var data = try #require(object["data"] as? [[String: Any]])
        var side = "asks"
        if (data[0]["asks"] as? [[String]])?.isEmpty ?? true { side = "bids" }
        var levels = try #require(data[0][side] as? [[String]])
        let size = try Quantity(parsing: levels[0][1])
        levels[0][1] = (size + Quantity(.one)).description
        data[0][side] = levels
        object["data"] = data
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}

@Suite(.watchdog) struct OrderBooksTests {
    @Test func tracksEveryBookAndNamesTheChannelToResubscribe() throws {
        var codec = OKXCodec()
        var books = OrderBooks()
        let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        for line in try FixtureFiles.lines("okx/ws/books_snapshot_update.jsonl") {
            guard case .market(.book(let update)) = try codec.decode(line) else { continue }
            #expect(books.apply(update, now: now).resubscribe == nil)
        }
        let instrument = try InstrumentId(parsing: "BTC-USD-220527")
        let book = try #require(books.validBook(for: instrument))
        #expect(book.bestBid != nil && !book.isCrossedOrLocked)
        // A gap on a books50-l2-tbt stream asks for exactly that channel once.
        let gapped = BookUpdate(instrument: instrument, channel: .books50L2Tbt, action: .snapshot, bids: [], asks: [],
                                timestamp: now, seqId: 5, prevSeqId: -1)
        #expect(books.apply(gapped, now: now).resubscribe == nil)
        let next = BookUpdate(instrument: instrument, channel: .books50L2Tbt, action: .update, bids: [], asks: [],
                              timestamp: now, seqId: 9, prevSeqId: 7)
        #expect(books.apply(next, now: now).resubscribe == OKXSubscription(channel: "books50-l2-tbt", instId: "BTC-USD-220527"))
        #expect(books.apply(next, now: now).resubscribe == nil)
        #expect(books.resubscriptionsDue(now: now.advanced(byMilliseconds: 1000)) == [OKXSubscription(channel: "books50-l2-tbt", instId: "BTC-USD-220527")])
        #expect(books.incidents.sequenceGaps == 1)
        #expect(books.validBook(for: instrument) == book, "the valid books channel is still used")
    }
}
