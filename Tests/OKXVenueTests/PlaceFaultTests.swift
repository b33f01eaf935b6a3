import Execution
import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

/// Every scripted fault of a place request resolves with zero duplicate orders and zero lost fills:
/// ambiguity is settled by lookups by client id, never by sending the order again.
@Suite("OKX place faults over real sockets", .watchdog)
struct PlaceFaultTests {
    @Test("place → ack → fill push: a resting order fills on a public trade and the push reaches the order")
    func placeAckFill() async throws {
        let venue = try await Harness.start()
        defer { Task { await venue.shutdown() } }
        try await venue.waitUntilReady()
        try await venue.book()
        try await venue.desk.submit(order("r1rest", price: "59990"))
        try await venue.waitForOrder("r1rest", "is live") { $0.status == .submitted }
        try await venue.trade("59980", "2", taker: .sell, id: "t1")
        let record = try await venue.waitForOrder("r1rest", "fills from the push") { $0.status == .filled }
        #expect(record.filledQuantity == qty("1"))
        #expect(record.avgFillPrice == px("59990"))
        let events = await venue.desk.takeEvents()
        #expect(events.accepts == 1)
        #expect(events.fills.count == 1)
        #expect(events.fills.first?.liquidity == .maker)
        let notes = await venue.desk.takeNotes()
        #expect(notes.inferred == 0, "the fill came from the push, not from inference")
        #expect(venue.server.snapshot { $0.placements["r1rest"] } == 1)
    }

    /// A fault, and whether the order ends up placed at OKX.
    struct Case: Sendable, CustomTestStringConvertible {
        var fault: OKXPrivateFault
        var placed: Bool
        var testDescription: String { "\(fault)" }
    }

    static let cases: [Case] = [
        Case(fault: .acceptThenHold, placed: true),
        Case(fault: .acceptThenDrop, placed: true),
        Case(fault: .dropWithoutPlacing, placed: false),
        Case(fault: .pushBeforeAck(delayMilliseconds: 300), placed: true),
        Case(fault: .duplicatePushes, placed: true),
        Case(fault: .timeout50004(placed: true), placed: true),
        Case(fault: .timeout50004(placed: false), placed: false),
        Case(fault: .tooManyRequests, placed: true),
    ]

    @Test("a marketable order meets the fault; the order settles as OKX has it, placed at most once, every fill counted once",
          arguments: cases)
    func fault(_ scripted: Case) async throws {
        let id = "r1fault"
        let venue = try await Harness.start(faults: [ClientOrderId(id): scripted.fault])
        defer { Task { await venue.shutdown() } }
        try await venue.waitUntilReady()
        try await venue.book()
        try await venue.desk.submit(order(id, size: "2"))
        let record = try await venue.waitForOrder(id, "settles") { $0.status.isTerminal }
        let placements = venue.server.snapshot { $0.placements[id] ?? 0 }
        #expect(placements == (scripted.placed ? 1 : 0), "zero duplicate orders")
        let events = await venue.desk.takeEvents()
        if scripted.placed {
            let venueOrder = venue.server.snapshot { $0.order(clientOrderId: id) }
            let venueFills = venue.server.snapshot { $0.fills.filter { $0.clOrdId == id } }
            #expect(record.status == .filled)
            #expect(record.filledQuantity == venueOrder?.filled)
            #expect(record.venueOrderId?.rawValue == venueOrder?.ordId)
            #expect(events.fills.count == venueFills.count, "zero lost or doubled fills")
            #expect(events.fills.reduce(Quantity.zero) { $0 + $1.quantity } == qty("2"))
            #expect(events.accepts == 1)
        } else {
            #expect(record.status == .rejected)
            #expect(record.rejectReason?.contains("not placed") == true)
            #expect(events.fills.isEmpty)
        }
        // The only place requests are the first one and, after a rate-limit refusal only, its resend.
        let places = venue.server.snapshot { $0.requests.filter { $0.uri == "/api/v5/trade/order" }.count }
        #expect(places == (scripted.fault == .tooManyRequests ? 2 : 1))
    }

    @Test("with no private socket (no pushes), an ambiguous place is settled only by lookups by clOrdId and the order's fills over REST",
          arguments: [OKXPrivateFault.acceptThenHold, .acceptThenDrop, .timeout50004(placed: true)])
    func lookupOnly(_ fault: OKXPrivateFault) async throws {
        let id = "r1look"
        let venue = try await Harness.start(faults: [ClientOrderId(id): fault], withSocket: false)
        defer { Task { await venue.shutdown() } }
        try await venue.book()
        try await venue.desk.submit(order(id, size: "2"))
        let record = try await venue.waitForOrder(id, "settles") { $0.status.isTerminal }
        #expect(record.status == .filled)
        #expect(await venue.desk.takeNotes().inDoubt == 1)
        let events = await venue.desk.takeEvents()
        #expect(events.accepts == 1)
        #expect(events.fills.count == venue.server.snapshot { $0.fills.filter { $0.clOrdId == id }.count })
        let uris = venue.server.snapshot { $0.requests.map(\.uri) }
        #expect(uris.filter { $0 == "/api/v5/trade/order" }.count == 1, "never resent")
        #expect(uris.contains("/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=\(id)"))
        #expect(uris.contains { $0.hasPrefix("/api/v5/trade/fills?instId=BTC-USDT-SWAP&ordId=") })
        #expect(venue.server.snapshot { $0.placements[id] } == 1)
    }

    @Test("partial fills then a cancel: the record keeps the fills and ends canceled")
    func partialThenCancel() async throws {
        let venue = try await Harness.start()
        defer { Task { await venue.shutdown() } }
        try await venue.waitUntilReady()
        try await venue.book()
        try await venue.desk.submit(order("r1part", size: "3", price: "59990"))
        try await venue.waitForOrder("r1part", "is live") { $0.status == .submitted }
        try await venue.trade("59980", "1", taker: .sell, id: "t1")
        try await venue.waitForOrder("r1part", "fills partly") { $0.filledQuantity == qty("1") }
        try await venue.trade("59985", "0.5", taker: .sell, id: "t2")
        try await venue.waitForOrder("r1part", "fills partly again") { $0.filledQuantity == qty("1.5") }
        try await venue.desk.cancel(ClientOrderId("r1part"))
        let record = try await venue.waitForOrder("r1part", "is canceled") { $0.status.isTerminal }
        #expect(record.status == .cancelled)
        #expect(record.filledQuantity == qty("1.5"))
        let events = await venue.desk.takeEvents()
        #expect(events.fills.count == 2)
        #expect(venue.server.snapshot { $0.order(clientOrderId: "r1part")?.state } == "canceled")
    }
}
