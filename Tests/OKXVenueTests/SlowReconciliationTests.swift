import Logging
import NIOPosix
import OKXTestServer
import OKXTrading
import OKXVenue
import Synchronization
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

/// Nothing times a reconciliation out (each REST call it makes has its own timeout), and pushes
/// wait for it: one that takes long is said at warning level, and again while it goes on.
@Suite("OKX private socket: a long reconciliation", .watchdog)
struct SlowReconciliationTests {
    @Test("a reconciliation that takes longer than the handshake allowance is warned about until it ends")
    func longReconciliationIsWarnedAbout() async throws {
        let lines = LogLines()
        let logger = lines.logger(label: "okx-slow-reconciliation", level: .warning)
        let stillReconciling = { lines.lines.filter { $0.contains("still reconciling") }.count }
        let server = try await OKXPrivateTestServer.start(script: OKXPrivateScript(accounts: [testAccount], instruments: [btcSwap]),
                                                          logger: logger)
        let released = Mutex(false)
        let signer = OKXRequestSigner(credentials: try OKXCredentials(apiKey: testAccount.apiKey, secret: testAccount.secret,
                                                                      passphrase: testAccount.passphrase), environment: .demo)
        // Handshakes may take 0.2 s here, so the first warning comes 0.2 s into the reconciliation.
        let socket = OKXPrivateSocket(url: server.privateWebSocketURL, signer: signer, clock: OKXVenueClock(),
                                      configuration: OKXPrivateSession.Configuration(handshakeTimeoutNanoseconds: 200_000_000),
                                      group: MultiThreadedEventLoopGroup.singleton, tickInterval: .milliseconds(50),
                                      logger: logger) { _ in
            // The reconciliation ends only when the test says so.
            while !released.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(20)) }
            return true
        }
        socket.start()
        defer {
            socket.stop()
            Task { try? await server.shutdown() }
        }
        try await Wait.until("two warnings about the reconciliation", within: .minutes(2)) { stillReconciling() >= 2 }
        #expect(socket.state == .reconciling(generation: 1))
        released.withLock { $0 = true }
        try await Wait.until("the socket to be ready once the reconciliation ended", within: .minutes(2)) { socket.state == .ready }
    }
}
