import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKX start-up checks and dead-man switch against the fake server", .watchdog)
struct SafetyOverTheWireTests {
    @Test("the account configuration is read over REST and decides how orders are placed")
    func accountConfiguration() async throws {
        let venue = try await Harness.start(withSocket: false)
        defer { Task { await venue.shutdown() } }
        let configuration = try await venue.rest.accountConfiguration().get()
        #expect(configuration.positionMode == "net_mode")
        #expect(try configuration.orderDefaults().get() == OKXOrderDefaults(spotTradeMode: "cash", derivativeTradeMode: "cross",
                                                                             longShortPositionMode: false))
    }

    @Test("cancel-all-after is armed, refreshed and disarmed as the pure switch says")
    func deadManSwitch() async throws {
        let venue = try await Harness.start(withSocket: false)
        defer { Task { await venue.shutdown() } }
        var deadMan = OKXDeadManSwitch(timeoutSeconds: 30)
        let start = venue.clock.now()
        try await venue.rest.cancelAllAfter(deadMan.armed(at: start)).get()
        if let refresh = deadMan.advance(to: start.advanced(byMilliseconds: 10_000)) { try await venue.rest.cancelAllAfter(refresh).get() }
        try await venue.rest.cancelAllAfter(deadMan.disarm()).get()
        #expect(venue.server.snapshot { $0.deadManTimeouts } == [30, 30, 0])
    }
}
