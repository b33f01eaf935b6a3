import Execution
import Logging
import NIOPosix
import OKXTestServer
import OKXTrading
import OKXVenue
import TestSupport
import Testing
import TradingCore
import TradingTestSupport

let testAccount = OKXTestAccount(apiKey: "test-key-0001", secret: "test-secret-0123456789ABCDEF", passphrase: "test passphrase", isDemo: true)

/// Short timings so ambiguity resolves in seconds: expTime 1 s, skew 0.5 s, lookups every 0.2 s.
let fastTiming = OKXOrderTiming(expiryMilliseconds: 1_000, acknowledgementTimeoutMilliseconds: 3_000, clockSkewMilliseconds: 500,
                                lookupIntervalMilliseconds: 200, rateLimitPauseMilliseconds: 300)

/// The fake OKX private server and the venue's drivers against it, over real sockets.
struct Harness {
    let server: OKXPrivateTestServer
    let clock: OKXVenueClock
    let rest: OKXRestClient
    let desk: OKXOrderDesk
    let socket: OKXPrivateSocket?
    let pump: Task<Void, Never>?

    static func start(faults: [ClientOrderId: OKXPrivateFault] = [:], secret: String = testAccount.secret,
                      withSocket: Bool = true) async throws -> Harness {
        var logger = Logger(label: "okx-venue-tests")
        logger.logLevel = .warning
        let server = try await OKXPrivateTestServer.start(script: OKXPrivateScript(accounts: [testAccount], instruments: [btcSwap], faults: faults),
                                                          logger: logger)
        let credentials = try OKXCredentials(apiKey: testAccount.apiKey, secret: secret, passphrase: testAccount.passphrase)
        let signer = OKXRequestSigner(credentials: credentials, environment: .demo)
        let clock = OKXVenueClock()
        let rest = OKXRestClient(configuration: .init(baseURL: server.restBaseURL, requestTimeout: .milliseconds(1_500), maximumConnections: 128),
                                 signer: signer,
                                 clock: clock, logger: logger)
        let desk = OKXOrderDesk(rest: rest, clock: clock, timing: fastTiming, mode: .live, logger: logger)
        guard withSocket else { return Harness(server: server, clock: clock, rest: rest, desk: desk, socket: nil, pump: nil) }
        let socket = OKXPrivateSocket(url: server.privateWebSocketURL, signer: signer, clock: clock,
                                      configuration: OKXPrivateSession.Configuration(handshakeTimeoutNanoseconds: 3_000_000_000,
                                                                                     initialBackoffNanoseconds: 100_000_000,
                                                                                     maximumBackoffNanoseconds: 500_000_000),
                                      group: MultiThreadedEventLoopGroup.singleton, tickInterval: .milliseconds(50), logger: logger) { [desk] _ in
            await desk.reconcile()
        }
        let pump = Task { [desk] in
            for await message in socket.messages { await desk.receive(message) }
        }
        socket.start()
        return Harness(server: server, clock: clock, rest: rest, desk: desk, socket: socket, pump: pump)
    }

    func waitUntilReady() async throws {
        do {
            try await Wait.until("the private socket to be logged in, subscribed and reconciled", within: .minutes(2)) {
                socket?.state == .ready
            }
        } catch {
            // Where the session stopped, for a wait that runs out (seen twice on loaded machines).
            Issue.record("socket \(String(describing: socket?.state)) \(String(describing: socket?.counts)); notes \(await desk.takeNotes()); requests \(server.snapshot { $0.requests.map { "\($0.method) \($0.uri) \($0.outcome)" } })")
            throw error
        }
    }

    /// Ticks the desk until the order's record satisfies `condition`.
    @discardableResult
    func waitForOrder(_ id: String, _ what: String, _ condition: @escaping (TradeRecord) -> Bool) async throws -> TradeRecord {
        let found: TradeRecord?
        do {
            found = try await Wait.until("order \(id) \(what)", within: .minutes(2), { () async -> TradeRecord? in
                await desk.tick()
                return await desk.record(of: ClientOrderId(id))
            }, satisfies: { $0.map(condition) ?? false })
        } catch {
            let phase = await desk.phase(of: ClientOrderId(id))
            Issue.record("order \(id): phase \(String(describing: phase)); socket \(String(describing: socket?.state)) \(String(describing: socket?.counts)); notes \(await desk.takeNotes()); requests \(server.snapshot { $0.requests.map { "\($0.method) \($0.uri) \($0.outcome)" } })")
            throw error
        }
        guard let found else { throw NoRecord(order: id) }
        return found
    }

    /// A one-level book around 60 000 (bid 59 999.9, ask 60 000.1, 10 contracts each).
    func book() async throws {
        try await server.feed(.book(BookUpdate(instrument: btcSwap.id, channel: .books5, action: .snapshot,
                                               bids: [BookLevel(price: px("59999.9"), size: qty("10"), orderCount: 1)],
                                               asks: [BookLevel(price: px("60000.1"), size: qty("10"), orderCount: 1)], timestamp: .zero)))
    }

    /// A public trade (the taker's side) that may fill resting orders.
    func trade(_ price: String, _ size: String, taker side: Side, id: String) async throws {
        try await server.feed(.trade(TradeTick(instrument: btcSwap.id, tradeId: TradeId(id), price: px(price), quantity: qty(size),
                                               side: side, timestamp: .zero)))
    }

    func shutdown() async {
        socket?.stop()
        pump?.cancel()
        try? await rest.shutdown()
        try? await server.shutdown()
    }
}

/// A BTC-USDT-SWAP order of strategy `alpha`.
func order(_ id: String, _ side: Side = .buy, size: String = "1", price: String? = "60000.1", type: OrderType = .limit) -> OrderRequest {
    OrderRequest(clientOrderId: ClientOrderId(id), strategy: "alpha", instrument: btcSwap.id, side: side, type: type, quantity: qty(size),
                 price: price.map(px), createdAt: .zero)
}

extension Array where Element == VenueEvent {
    var fills: [Fill] { compactMap { if case .filled(let fill, _) = $0 { fill } else { nil } } }
    var accepts: Int { filter { if case .accepted = $0 { true } else { false } }.count }
    var rejections: [String] { compactMap { if case .rejected(_, let reason) = $0 { reason.description } else { nil } } }
}

extension Array where Element == OKXDeskNote {
    var halts: [String] { compactMap { if case .halt(let reason) = $0 { reason } else { nil } } }
    var externalOrders: [OKXOrderUpdate] { compactMap { if case .externalOrder(let order) = $0 { order } else { nil } } }
    var inDoubt: Int { filter { if case .inDoubt = $0 { true } else { false } }.count }
    var inferred: Int { filter { if case .inferredFill = $0 { true } else { false } }.count }
}

/// The desk has no record of an order a test placed.
struct NoRecord: Error { var order: String }
