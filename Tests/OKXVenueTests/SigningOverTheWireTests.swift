import Execution
import OKXTestServer
@testable import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKX private REST and login signatures, checked by the fake server", .watchdog)
struct SigningOverTheWireTests {
    @Test("a signed place with the right secret is accepted and matched by the paper engine")
    func rightSecret() async throws {
        let venue = try await Harness.start(withSocket: false)
        defer { Task { await venue.shutdown() } }
        try await venue.book()
        let result = await venue.rest.place(OKXPlaceRequest(instrument: btcSwap.id, clientOrderId: ClientOrderId("r1ok"), side: .buy,
                                                            orderType: .limit, size: qty("1"), price: px("60000.1"), tradeMode: "cross",
                                                            positionSide: nil, reduceOnly: false, expiresAt: venue.clock.now().advanced(byMilliseconds: 5_000)))
        guard case .answered(let ack) = result else { Issue.record("no answer: \(result)"); return }
        #expect(ack.errorClass == .success)
        #expect(ack.venueOrderId != nil)
        let order = venue.server.snapshot { $0.order(clientOrderId: "r1ok") }
        #expect(order?.state == "filled")
        #expect(venue.server.snapshot { $0.placements["r1ok"] } == 1)
    }

    @Test("a wrong secret is refused with 50113 (HTTP 401): the order is refused, trading halts, nothing is placed")
    func wrongSecret() async throws {
        let venue = try await Harness.start(secret: "not-the-secret", withSocket: false)
        defer { Task { await venue.shutdown() } }
        try await venue.desk.submit(order("r1bad"))
        let record = try await venue.waitForOrder("r1bad", "is refused") { $0.status.isTerminal }
        #expect(record.status == .rejected)
        #expect(await venue.desk.takeEvents().rejections.contains { $0.contains("50113") })
        #expect(!(await venue.desk.takeNotes().halts.isEmpty))
        #expect(venue.server.snapshot { $0.placements.isEmpty })
        #expect(venue.server.snapshot { $0.requests.map(\.outcome) } == ["50113"])
        let positions = await venue.rest.positions()
        guard case .failure(let error) = positions else { Issue.record("positions with a wrong secret: \(positions)"); return }
        #expect(error.errorClass == .authentication)
    }

    @Test("the private WebSocket login is verified: a wrong secret halts the session instead of retrying")
    func wrongSecretLogin() async throws {
        let venue = try await Harness.start(secret: "not-the-secret")
        defer { Task { await venue.shutdown() } }
        try await Wait.until("the session to halt on the refused login", within: .minutes(2)) {
            if case .halted = venue.socket?.state { true } else { false }
        }
        #expect(venue.socket?.counts.logins == 1)
        #expect(venue.server.snapshot { $0.loggedInSessions } == 0)
    }

    @Test("the clock offset is measured against /public/time (the fake server's clock runs 7 s ahead)")
    func clockOffset() async throws {
        let server = try await OKXPrivateTestServer.start(script: OKXPrivateScript(accounts: [testAccount], instruments: [btcSwap],
                                                                                   clockOffsetMilliseconds: 7_000))
        let clock = OKXVenueClock()
        let credentials = try OKXCredentials(apiKey: testAccount.apiKey, secret: testAccount.secret, passphrase: testAccount.passphrase)
        let rest = OKXRestClient(configuration: .init(baseURL: server.restBaseURL), signer: OKXRequestSigner(credentials: credentials, environment: .demo),
                                 clock: clock, logger: .init(label: "test"))
        defer { Task { try? await rest.shutdown(); try? await server.shutdown() } }
        // Before measuring, the request timestamp is 7 s off: still within OKX's 30 s. On a loaded
        // machine an answer may wait long for this task to resume, so samples are taken until one
        // came back within a second (the preflight keeps the best of three the same way).
        try await Wait.until("a /public/time sample with a round trip under 2 s") {
            _ = try await rest.measureClock().get()
            return clock.estimate.uncertaintyNanoseconds < 1_000_000_000
        }
        // The estimate is right to within half the sample's round trip (and OKX's whole milliseconds).
        let offset = clock.estimate.offsetNanoseconds / 1_000_000
        let uncertainty = clock.estimate.uncertaintyNanoseconds / 1_000_000 + 1
        #expect(abs(offset - 7_000) <= uncertainty, "offset \(offset) ms, uncertainty \(uncertainty) ms")
        #expect(clock.estimate.startupRefusal == nil)
        #expect((try? await rest.positions().get()) != nil)
    }
}
