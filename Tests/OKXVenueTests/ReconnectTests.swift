import Execution
import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKX private socket: reconnect and reconciliation over REST", .watchdog)
struct ReconnectTests {
    @Test("a fill during a WebSocket outage is recovered on reconnect: lookup, then the fill itself over REST")
    func fillDuringDisconnect() async throws {
        let venue = try await Harness.start()
        defer { Task { await venue.shutdown() } }
        try await venue.waitUntilReady()
        try await venue.book()
        try await venue.desk.submit(order("r1gap", size: "2", price: "59990"))
        try await venue.waitForOrder("r1gap", "is live") { $0.status == .submitted }
        venue.server.dropWebSockets(refuseNew: true)
        try await Wait.until("the socket to notice the drop") { venue.socket?.state != .ready }
        try await venue.trade("59980", "5", taker: .sell, id: "t1")
        #expect(venue.server.snapshot { $0.order(clientOrderId: "r1gap")?.state } == "filled")
        // The push went nowhere: the runtime still thinks the order is live.
        #expect(await venue.desk.record(of: ClientOrderId("r1gap"))?.status == .submitted)
        venue.server.acceptWebSockets()
        let record = try await venue.waitForOrder("r1gap", "is filled by reconciliation") { $0.status == .filled }
        #expect(record.filledQuantity == qty("2"))
        let events = await venue.desk.takeEvents()
        #expect(events.fills.count == 1)
        #expect(events.fills.first?.price == px("59990"))
        let notes = await venue.desk.takeNotes()
        #expect(notes.inferred == 0, "the missed fill was fetched, not inferred")
        #expect(!notes.contains { if case .positionMismatch = $0 { true } else { false } })
        #expect((venue.socket?.counts.reconciliations ?? 0) >= 2)
        #expect((venue.socket?.counts.logins ?? 0) >= 2)
        let requests = venue.server.snapshot { $0.requests.map(\.uri) }
        #expect(requests.contains { $0.hasPrefix("/api/v5/trade/order?") }, "looked up by clOrdId")
        #expect(requests.contains { $0.hasPrefix("/api/v5/trade/fills?") }, "fetched the order's fills")
    }

    @Test("an order placed outside the runtime is reported, from its push and from reconciliation")
    func externalOrder() async throws {
        let venue = try await Harness.start()
        defer { Task { await venue.shutdown() } }
        try await venue.waitUntilReady()
        try await venue.book()
        let ordId = try await venue.server.placeExternalOrder(instrument: btcSwap.id, side: .sell, size: qty("1"), price: px("61000"))
        try await Wait.until("the external order's push to be reported") {
            await venue.desk.takeNotes().externalOrders.contains { $0.venueOrderId.rawValue == ordId }
        }
        #expect(await venue.desk.reconcile())
        #expect(await venue.desk.takeNotes().externalOrders.map(\.venueOrderId.rawValue) == [ordId])
    }

    @Test("a position the runtime did not trade is a mismatch that halts its strategies")
    func positionMismatch() async throws {
        let venue = try await Harness.start(withSocket: false)
        defer { Task { await venue.shutdown() } }
        try await venue.book()
        // Filled outside the runtime: a marketable external order takes the ask.
        _ = try await venue.server.placeExternalOrder(instrument: btcSwap.id, side: .buy, size: qty("1"), price: px("60000.1"))
        venue.desk.heldPositions.set(.zero, strategy: "alpha", instrument: btcSwap.id, positionSide: .net)
        #expect(await venue.desk.reconcile())
        let mismatches = await venue.desk.takeNotes().compactMap { if case .positionMismatch(let m) = $0 { m } else { nil } }
        #expect(mismatches.count == 1)
        #expect(mismatches.first?.venue == fp("1"))
        #expect(mismatches.first?.strategies == ["alpha"])
    }
}
