import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A real WebSocket server on 127.0.0.1 that speaks OKX's public v5 protocol, for tests and offline demos.
///
/// It answers `{"op":"subscribe","args":[...]}` with `{"event":"subscribe","arg":{...},"connId":"..."}`
/// (and likewise `unsubscribe`), answers the text `ping` with `pong`, serves the script's recorded frames
/// for the channels a connection subscribed, and misbehaves as scripted: drops a connection, goes silent.
/// Any path works, so one server can stand in for both `/ws/v5/public` and `/ws/v5/business`.
///
/// ```swift
/// let server = try await OKXTestServer.start(script: OKXTestScript(frames: lines, dropConnectionAfter: [20]))
/// // point the feed at server.publicURL / server.businessURL ...
/// let stats = server.statistics
/// try await server.shutdown()
/// ```
public final class OKXTestServer: Sendable {
    /// The TCP port the server listens on (chosen by the OS when the server started).
    public var port: Int { portBox.withLock { $0 } }
    /// `ws://127.0.0.1:<port>/ws/v5/public`
    public var publicURL: String { "ws://127.0.0.1:\(port)/ws/v5/public" }
    /// `ws://127.0.0.1:<port>/ws/v5/business`
    public var businessURL: String { "ws://127.0.0.1:\(port)/ws/v5/business" }

    let state: Mutex<OKXTestServerState>
    private let connections = Mutex<[Int: any Channel]>([:])
    private let listener = Mutex<(any Channel)?>(nil)
    private let group: MultiThreadedEventLoopGroup

    private let portBox = Mutex<Int>(0)

    private init(state: OKXTestServerState, group: MultiThreadedEventLoopGroup) {
        self.state = Mutex(state)
        self.group = group
    }

    /// Starts a server on 127.0.0.1 and a random free port, serving `script`.
    public static func start(script: OKXTestScript, logger: Logger = Logger(label: "okx-test-server")) async throws -> OKXTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = OKXTestServer(state: OKXTestServerState(script: script), group: group)
        let interval = script.interval
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { [server] channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64,
                                                    maxAccumulatedFrameSize: 1 << 22))
                    try channel.pipeline.syncOperations.addHandler(
                        OKXTestConnectionHandler(server: server, interval: interval, logger: logger))
                }
            })
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
            guard let port = channel.localAddress?.port else {
                try? await channel.close()
                throw OKXTestServerError.noPort
            }
            server.listener.withLock { $0 = channel }
            server.portBox.withLock { $0 = port }
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The current statistics.
    public var statistics: OKXTestServerStatistics { state.withLock { $0.statistics } }

    /// Closes every open connection abruptly (no WebSocket close frame), like a network failure.
    public func dropAllConnections() {
        let open = connections.withLock { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
    }

    /// Waits until `condition` holds for the statistics, checking every 10 ms, at most `timeout`.
    /// Returns whether it held.
    public func wait(timeout: Duration = .seconds(30),
                     until condition: @Sendable (OKXTestServerStatistics) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if condition(statistics) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(statistics)
    }

    /// Closes all connections and the listener and stops the event loop.
    public func shutdown() async throws {
        dropAllConnections()
        let channel = listener.withLock { $0 }
        try? await channel?.close()
        try await group.shutdownGracefully()
    }

    func register(channel: any Channel, id: Int) {
        connections.withLock { $0[id] = channel }
    }

    func unregister(id: Int) {
        connections.withLock { $0[id] = nil }
    }
}

/// Why the test server could not start.
public enum OKXTestServerError: Error, CustomStringConvertible {
    case noPort

    public var description: String { "the test server's listening socket has no port" }
}
