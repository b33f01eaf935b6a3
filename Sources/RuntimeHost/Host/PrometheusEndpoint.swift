import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The host's figures in Prometheus text format on http://127.0.0.1:PORT/metrics. The host
/// publishes a fresh text every tick; scrapes read the last one and never touch the engine.
public final class PrometheusEndpoint: Sendable {
    private let channel: any Channel
    private let shared: MetricsText

    /// Binds 127.0.0.1:`port` (0 picks a free port; see ``port``).
    public static func start(port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             logger: Logger) async throws -> PrometheusEndpoint {
        let box = MetricsText()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHandler(read: { box.value.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        logger.info("Prometheus metrics served", metadata: ["url": "http://127.0.0.1:\(channel.localAddress?.port ?? port)/metrics"])
        return PrometheusEndpoint(channel: channel, box: box)
    }

    private init(channel: any Channel, box: MetricsText) {
        self.channel = channel
        self.shared = box
    }

    /// The bound port.
    public var port: Int? { channel.localAddress?.port }

    /// Replaces what scrapes see.
    public func publish(_ metrics: [(name: String, help: String, value: String)]) {
        let body = metrics.map { "# HELP \($0.name) \($0.help)\n# TYPE \($0.name) gauge\n\($0.name) \($0.value)\n" }.joined()
        shared.value.withLock { $0 = body }
    }

    public func close() async {
        try? await channel.close()
    }
}

private final class MetricsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let read: @Sendable () -> String

    init(read: @escaping @Sendable () -> String) { self.read = read }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let found = request.uri == "/metrics" || request.uri == "/"
        let body = found ? read() : "not found: scrape /metrics\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: found ? .ok : .notFound, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

/// The latest metrics text, shared by the host (writer) and the HTTP handlers (readers).
private final class MetricsText: Sendable {
    let value = Mutex("")
}
