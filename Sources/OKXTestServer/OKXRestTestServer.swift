import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 answering OKX's public REST market-history endpoints from an
/// ``OKXRestScript``: pages newest first, OKX's own rate limit (a 429 past it), and scripted 429s,
/// 5xx and connections dropped mid-response. It records every request it answered.
public final class OKXRestTestServer: Sendable {
    /// One request as the server saw it.
    public struct Served: Sendable, Hashable {
        public var number: Int
        public var path: String
        public var query: [String: String]
        public var status: Int
        /// Whether the answer was a scripted fault (or a 429 of the server's own rate limit).
        public var fault: OKXRestScript.Fault?
        /// When it arrived, on the server's monotonic clock.
        public var arrival: ContinuousClock.Instant
    }

    /// `http://127.0.0.1:<port>` (what `OKX_REST_URL` takes).
    public var baseURL: String { "http://127.0.0.1:\(port.withLock { $0 })" }

    let script: OKXRestScript
    private let log = Mutex<[Served]>([])
    private let port = Mutex<Int>(0)
    private let listener = Mutex<(any Channel)?>(nil)
    private let group: MultiThreadedEventLoopGroup

    private init(script: OKXRestScript, group: MultiThreadedEventLoopGroup) {
        self.script = script
        self.group = group
    }

    /// Starts a server on a free port.
    public static func start(script: OKXRestScript) async throws -> OKXRestTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = OKXRestTestServer(script: script, group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(OKXRestHandler(server: server))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
            guard let bound = channel.localAddress?.port else {
                try? await channel.close()
                throw OKXTestServerError.noPort
            }
            server.listener.withLock { $0 = channel }
            server.port.withLock { $0 = bound }
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Every request answered so far, in arrival order.
    public var served: [Served] { log.withLock { $0 } }

    /// The most requests that arrived within any `window` (what OKX's limit counts).
    public func mostRequests(within window: Duration) -> Int {
        let arrivals = served.map(\.arrival)
        var most = 0, start = 0
        for end in arrivals.indices {
            while arrivals[end] - arrivals[start] >= window { start += 1 }
            most = max(most, end - start + 1)
        }
        return most
    }

    /// Stops listening and the event loop.
    public func shutdown() async throws {
        let channel = listener.withLock { $0 }
        try? await channel?.close()
        try await group.shutdownGracefully()
    }

    /// Decides the answer to a request that just arrived and records it.
    func answer(path: String, query: [String: String]) -> (OKXRestScript.Response, OKXRestScript.Fault?) {
        log.withLock { log in
            let now = ContinuousClock.now
            let number = log.count + 1
            var fault = script.holdFrom.map { number >= $0 } == true ? .hold : script.faults[number]
            // OKX's limit: the requests of the last window, this one included.
            let recent = log.filter { now - $0.arrival < script.rateWindow }.count + 1
            if fault == nil, recent > script.rateLimit { fault = .tooManyRequests }
            // A dropped response is cut from the real page, so the client has read part of real data.
            let response = fault.flatMap(OKXRestScript.response(for:)) ?? script.respond(path: path, query: query)
            log.append(Served(number: number, path: path, query: query, status: response.status, fault: fault, arrival: now))
            return (response, fault)
        }
    }
}

/// One connection: reads a GET, answers it, drops it mid-body, or holds it unanswered.
final class OKXRestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: OKXRestTestServer
    private var uri = ""

    init(server: OKXRestTestServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): uri = head.uri
        case .body: break
        case .end:
            let (path, query) = Self.split(uri)
            let (response, fault) = server.answer(path: path, query: query)
            if fault != .hold { write(response, fault: fault, context: context) }
        }
    }

    private func write(_ response: OKXRestScript.Response, fault: OKXRestScript.Fault?, context: ChannelHandlerContext) {
        let body = Array(response.body.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if fault == .dropMidResponse {
            // Half a body and a closed socket: what a client sees when a connection breaks mid-response.
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body.prefix(body.count / 2))))), promise: nil)
            context.close(promise: nil)
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = keyValue.count == 2 ? String(keyValue[1]).removingPercentEncoding ?? String(keyValue[1]) : ""
                query[String(keyValue[0])] = value
            }
        }
        return (String(parts.first ?? ""), query)
    }
}
