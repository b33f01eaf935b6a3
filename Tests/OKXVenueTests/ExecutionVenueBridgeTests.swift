import Execution
import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKXVenue: the synchronous ExecutionVenue over the desk, against the fake server", .watchdog)
struct ExecutionVenueBridgeTests {
    /// A venue over a ready desk with the fake server's book in place; stopped and shut down after `body`.
    func withVenue(_ body: (Harness, OKXVenue) async throws -> Void) async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.shutdown() } }
        try await harness.waitUntilReady()
        try await harness.book()
        let venue = OKXVenue(desk: harness.desk, mode: .live)
        defer { venue.stop() }
        try await body(harness, venue)
    }

    /// Advances the venue, as the host does (releasing held requests once their rows would be
    /// committed), until `condition` holds for everything it emitted so far.
    func drive(_ venue: OKXVenue, _ what: String, collected: inout [VenueEvent], until condition: ([VenueEvent]) -> Bool) async throws {
        var all = collected
        try await Wait.until(what, within: .minutes(2)) {
            var events: [VenueEvent] = []
            venue.advance(to: .zero, events: &events)
            all += events
            venue.recordsAreDurable()
            return condition(all)
        }
        collected = all
    }

    @Test("submit emits .sent at once; the request is held until the host's records are durable; acks, fills and refusals arrive on later calls")
    func submitFillAndRefusal() async throws {
        try await withVenue { harness, venue in
            var events: [VenueEvent] = []
            try venue.submit(order("r1sync", size: "1"), at: .zero, events: &events)
            #expect(events.map(\.record.status) == [.pending])
            #expect(venue.holdsRequests)
            var later: [VenueEvent] = []
            venue.advance(to: .zero, events: &later)
            #expect(harness.server.snapshot { $0.placements.isEmpty }, "nothing leaves before the host has written its rows")
            #expect(venue.holdsRequests)
            #expect(throws: VenueRequestError.duplicateClientOrderId(ClientOrderId("r1sync"))) {
                var ignored: [VenueEvent] = []
                try venue.submit(order("r1sync"), at: .zero, events: &ignored)
            }
            // Off the lot grid (0.01 contracts): OKX refuses with 51121.
            try venue.submit(order("r1odd", size: "0.015"), at: .zero, events: &events)
            try await drive(venue, "the fill and the refusal", collected: &events) { all in
                all.contains { if case .filled(_, let record) = $0 { record.status == .filled } else { false } }
                    && all.contains { if case .rejected = $0 { true } else { false } }
            }
            #expect(events.accepts == 1)
            #expect(events.fills.map(\.quantity) == [qty("1")])
            #expect(events.rejections.contains { $0.contains("51121") })
            #expect(venue.record(of: ClientOrderId("r1odd"))?.status == .rejected)
            // PnL the host attributes sticks to later records of the order.
            let attributed = venue.attributeRealizedPnl(money("12.5"), to: ClientOrderId("r1sync"))
            #expect(attributed?.realizedPnl == money("12.5"))
            #expect(venue.record(of: ClientOrderId("r1sync"))?.realizedPnl == money("12.5"))
        }
    }

    @Test("a held new order whose row could not be written is rejected and never sent; a cancel of a sent order is not held")
    func withdrawn() async throws {
        try await withVenue { harness, venue in
            var events: [VenueEvent] = []
            try venue.submit(order("r1rest", size: "1", price: "59000"), at: .zero, events: &events)
            try await drive(venue, "the resting order to be accepted", collected: &events) { $0.accepts == 1 }
            try venue.cancel(ClientOrderId("r1rest"), at: .zero, events: &events)
            #expect(!venue.holdsRequests, "its row exists: the cancel does not wait for the database")
            try venue.submit(order("r1norow", size: "1"), at: .zero, events: &events)
            try venue.cancel(ClientOrderId("r1norow"), at: .zero, events: &events)
            var withdrawn: [VenueEvent] = []
            venue.withdrawHeldOrders(reason: "its row was refused", events: &withdrawn)
            #expect(withdrawn.rejections.count == 1 && withdrawn.rejections.allSatisfy { $0.contains("its row was refused") }, "\(withdrawn.rejections)")
            #expect(venue.record(of: ClientOrderId("r1norow"))?.status == .rejected)
            try await drive(venue, "the cancel", collected: &events) { all in all.contains { if case .canceled = $0 { true } else { false } } }
            #expect(harness.server.snapshot { $0.placements["r1norow"] } == nil, "never sent")
        }
    }

    @Test("cancel through the protocol ends a resting order; an unknown id is refused at once")
    func cancel() async throws {
        try await withVenue { _, venue in
            var events: [VenueEvent] = []
            try venue.submit(order("r1sit", size: "1", price: "59000"), at: .zero, events: &events)
            try await drive(venue, "the order to be accepted", collected: &events) { $0.accepts == 1 }
            try venue.cancel(ClientOrderId("r1sit"), at: .zero, events: &events)
            try await drive(venue, "the cancel", collected: &events) { all in all.contains { if case .canceled = $0 { true } else { false } } }
            #expect(venue.record(of: ClientOrderId("r1sit"))?.status == .cancelled)
            #expect(throws: VenueRequestError.unknownOrder(ClientOrderId("nope"))) {
                var ignored: [VenueEvent] = []
                try venue.cancel(ClientOrderId("nope"), at: .zero, events: &ignored)
            }
        }
    }
}
