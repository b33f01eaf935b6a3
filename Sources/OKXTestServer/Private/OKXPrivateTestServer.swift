import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization
import TradingCore

/// A fake OKX private API on 127.0.0.1 for tests: signed REST order entry and queries, and the
/// private WebSocket (`login`, `orders`, `positions`, `balance_and_position`), matching orders with
/// the real ``PaperVenue`` against the book and trades the test feeds (``feed(_:)``), and
/// misbehaving as the ``OKXPrivateScript`` says.
///
/// All state lives in one ``OKXPrivateExchange`` value behind one lock, mutated only on the
/// server's single event loop, so pushes leave in the order their causes happened.
///
/// ```swift
/// let server = try await OKXPrivateTestServer.start(script: script)
/// // REST at server.restBaseURL, WebSocket at server.privateWebSocketURL
/// try await server.feed(.book(...))
/// let orders = server.snapshot { $0.orders }
/// try await server.shutdown()
/// ```
public final class OKXPrivateTestServer: Sendable {
    let exchange: Mutex<OKXPrivateExchange>
    let clockOffsetMilliseconds: Int64
    private let group: MultiThreadedEventLoopGroup
    private let listeners = Mutex<[any Channel]>([])
    private let ports = Mutex<(rest: Int, socket: Int)>((0, 0))
    private let sockets = Mutex<[Int: any Channel]>([:])
    private let nextConnection = Mutex<Int>(1)
    private let acceptingSockets = Mutex<Bool>(true)
    let logger: Logger

    /// `http://127.0.0.1:<port>`: the REST base URL.
    public var restBaseURL: String { "http://127.0.0.1:\(ports.withLock { $0.rest })" }
    /// `ws://127.0.0.1:<port>/ws/v5/private`.
    public var privateWebSocketURL: String { "ws://127.0.0.1:\(ports.withLock { $0.socket })/ws/v5/private" }

    private init(script: OKXPrivateScript, group: MultiThreadedEventLoopGroup, logger: Logger) {
        self.exchange = Mutex(OKXPrivateExchange(script: script))
        self.clockOffsetMilliseconds = script.clockOffsetMilliseconds
        self.group = group
        self.logger = logger
    }

    /// Starts the REST and WebSocket listeners on free ports.
    public static func start(script: OKXPrivateScript, logger: Logger = Logger(label: "okx-private-test-server")) async throws -> OKXPrivateTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = OKXPrivateTestServer(script: script, group: group, logger: logger)
        do {
            let rest = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(OKXPrivateRestHandler(server: server))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            server.listeners.withLock { $0.append(rest) }
            let upgrader = NIOWebSocketServerUpgrader(
                maxFrameSize: 1 << 20,
                shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: 1 << 22))
                        try channel.pipeline.syncOperations.addHandler(OKXPrivateSocketHandler(server: server))
                    }
                })
            let socket = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    // A server refusing connections (an outage) closes them before the upgrade.
                    guard server.acceptingSockets.withLock({ $0 }) else { return channel.close() }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            server.listeners.withLock { $0.append(socket) }
            guard let restPort = rest.localAddress?.port, let socketPort = socket.localAddress?.port else { throw OKXTestServerError.noPort }
            server.ports.withLock { $0 = (restPort, socketPort) }
            return server
        } catch {
            for channel in server.listeners.withLock({ $0 }) { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The server's clock: the wall clock plus the script's offset.
    var now: Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()) + clockOffsetMilliseconds)
    }

    /// A book or trade reaches the matching engine now (its time is replaced by the server's
    /// clock, so it is never older than the orders it should fill); pushes go out before this returns.
    public func feed(_ event: MarketEvent) async throws {
        try await group.next().submit { [self] in
            let now = self.now
            var stamped = event
            switch event {
            case .trade(var trade): trade.timestamp = now; stamped = .trade(trade)
            case .book(var book): book.timestamp = now; stamped = .book(book)
            case .ticker, .candle: break
            }
            let out = exchange.withLock { $0.feed(stamped, now: now) }
            send(out)
        }.get()
    }

    /// Places an order as if by hand on OKX's website (no `clOrdId`): an order the runtime did not place.
    public func placeExternalOrder(instrument: InstrumentId, side: Side, size: Quantity, price: Price) async throws -> String {
        try await group.next().submit { [self] in
            let fields = ["instId": instrument.symbol, "tdMode": instrument.kind == .spot ? "cash" : "cross", "side": side.rawValue,
                          "ordType": "limit", "sz": size.description, "px": price.description]
            let now = self.now
            let result = exchange.withLock { $0.place(fields, now: now) }
            send(result.pushes)
            return result.ordId
        }.get()
    }

    /// From now on every place request without a scripted fault of its own meets `fault` (nil:
    /// none), for a test that cannot know the client ids in advance (a host's).
    public func faultEveryPlace(_ fault: OKXPrivateFault?) {
        exchange.withLock { $0.everyPlaceFault = fault }
    }

    /// Reads the server's state (orders, fills, positions, requests, placements per client id).
    public func snapshot<T: Sendable>(_ read: (OKXPrivateExchangeView) -> T) -> T {
        exchange.withLock { read(OKXPrivateExchangeView(exchange: $0)) }
    }

    /// Closes every private WebSocket abruptly, like a network failure; with `refuseNew`, new
    /// connections are refused until ``acceptWebSockets()``.
    public func dropWebSockets(refuseNew: Bool = false) {
        acceptingSockets.withLock { $0 = !refuseNew }
        for channel in sockets.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }

    /// Accepts WebSocket connections again.
    public func acceptWebSockets() { acceptingSockets.withLock { $0 = true } }

    /// Closes everything and stops the event loop.
    public func shutdown() async throws {
        for channel in sockets.withLock({ Array($0.values) }) { try? await channel.close() }
        for channel in listeners.withLock({ $0 }) { try? await channel.close() }
        try await group.shutdownGracefully()
    }

    // MARK: Connections

    func register(_ channel: any Channel) -> Int {
        let id = nextConnection.withLock { id in defer { id += 1 }; return id }
        sockets.withLock { $0[id] = channel }
        exchange.withLock { $0.openSession(id) }
        return id
    }

    func unregister(_ id: Int) {
        sockets.withLock { $0[id] = nil }
        exchange.withLock { $0.closeSession(id) }
    }

    /// Writes WebSocket texts to their connections, in order.
    func send(_ outgoing: [OKXTestOutgoing]) {
        guard !outgoing.isEmpty else { return }
        let channels = sockets.withLock { $0 }
        for item in outgoing {
            guard let channel = channels[item.connection] else { continue }
            let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: item.text))
            channel.writeAndFlush(frame, promise: nil)
        }
    }
}

/// A read-only view of the fake exchange's state for test assertions.
public struct OKXPrivateExchangeView {
    let exchange: OKXPrivateExchange

    /// Every order, by `ordId`.
    public var orders: [String: OKXTestOrder] { exchange.orders }
    /// Every fill, oldest first.
    public var fills: [OKXTestFill] { exchange.fills }
    /// Net derivative positions.
    public var positions: [InstrumentId: FixedPoint] { exchange.positions }
    /// Place requests that reached the matching engine, per `clOrdId`.
    public var placements: [String: Int] { exchange.placements }
    /// Every REST request answered (or held, or dropped), in order.
    public var requests: [OKXTestRequest] { exchange.requests }
    /// `cancel-all-after` timeouts received.
    public var deadManTimeouts: [Int] { exchange.deadManTimeouts }
    /// WebSocket connections logged in now.
    public var loggedInSessions: Int { exchange.sessions.values.filter { $0.account != nil }.count }
    /// The newest order with `clOrdId`.
    public func order(clientOrderId: String) -> OKXTestOrder? { exchange.latestByClientId[clientOrderId].flatMap { exchange.orders[$0] } }
}
