import Execution
import Logging
import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

@Suite("OKX trading session: start-up", .watchdog)
struct TradingSessionStartTests {
    /// The host acts on the venue's notices before it starts the strategies, so a halt found by
    /// the first reconciliation must be there the moment the session has started, not after the
    /// venue's worker next runs (then market data could make a strategy trade first).
    @Test("a position no order explains is a halt the venue reports as soon as the session has started")
    func aMismatchFoundWhileStartingIsReportedAtOnce() async throws {
        var logger = Logger(label: "okx-session-start-tests")
        logger.logLevel = .warning
        let server = try await OKXPrivateTestServer.start(script: OKXPrivateScript(accounts: [testAccount], instruments: [btcSwap]),
                                                          logger: logger)
        defer { Task { try? await server.shutdown() } }
        try await server.feed(.book(BookUpdate(instrument: btcSwap.id, channel: .books5, action: .snapshot,
                                               bids: [BookLevel(price: px("59999.9"), size: qty("10"), orderCount: 1)],
                                               asks: [BookLevel(price: px("60000.1"), size: qty("10"), orderCount: 1)], timestamp: .zero)))
        // Filled outside the runtime: OKX holds a position no order of the runtime explains.
        _ = try await server.placeExternalOrder(instrument: btcSwap.id, side: .buy, size: qty("1"), price: px("60000.1"))

        let configuration = OKXTradingConfiguration(
            environment: .demo, restBaseURL: server.restBaseURL, privateWebSocketURL: server.privateWebSocketURL, timing: fastTiming,
            startTimeout: .minutes(2), session: OKXPrivateSession.Configuration(handshakeTimeoutNanoseconds: 3_000_000_000))
        let credentials = try OKXCredentials(apiKey: testAccount.apiKey, secret: testAccount.secret, passphrase: testAccount.passphrase)
        let session = try await OKXTradingSession.start(configuration: configuration, credentials: credentials, mode: .demo,
                                                        openOrders: [], positions: [], ownership: OKXOrderOwnership(), logger: logger)
        let notices = session.venue.takeNotices()
        await session.stop()
        let halts = notices.compactMap { if case .halt(_, let eventType, _) = $0 { eventType } else { nil } }
        #expect(halts == ["venue_position_mismatch"])
    }
}
