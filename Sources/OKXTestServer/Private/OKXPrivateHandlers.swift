import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// One REST connection of the fake private server: reads a request, lets the exchange decide,
/// sends the pushes the request caused, then answers, delays, holds or drops as decided.
final class OKXPrivateRestHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on its channel's event loop.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: OKXPrivateTestServer
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(server: OKXPrivateTestServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            let text = body.readString(length: body.readableBytes) ?? ""
            let now = server.now
            let (decision, pushes) = server.exchange.withLock { exchange in
                exchange.rest(method: head.method.rawValue, uri: head.uri, body: text, header: { head.headers.first(name: $0) }, now: now)
            }
            server.send(pushes)
            switch decision {
            case .answer(let status, let text, let delay) where delay > 0:
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(delay)) {
                    let (handler, context) = bound.value
                    handler.write(status: status, body: text, context: context)
                }
            case .answer(let status, let text, _):
                write(status: status, body: text, context: context)
            case .hold:
                server.logger.debug("okx private test server: holding the answer as scripted", metadata: ["uri": "\(head.uri)"])
            case .drop:
                server.logger.debug("okx private test server: dropping the connection as scripted", metadata: ["uri": "\(head.uri)"])
                context.close(promise: nil)
            }
        }
    }

    private func write(status: Int, body text: String, context: ChannelHandlerContext) {
        let bytes = ByteBuffer(string: text)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(bytes.readableBytes))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// One private WebSocket connection: text frames go to the exchange, its replies and pushes come back.
final class OKXPrivateSocketHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on its channel's event loop.
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let server: OKXPrivateTestServer
    private var id = 0
    private var registered = false

    init(server: OKXPrivateTestServer) { self.server = server }

    func handlerAdded(context: ChannelHandlerContext) {
        id = server.register(context.channel)
        registered = true
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { finish() }

    private func finish() {
        guard registered else { return }
        registered = false
        server.unregister(id)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var payload = frame.unmaskedData
            let text = payload.readString(length: payload.readableBytes) ?? ""
            let now = server.now
            let out = server.exchange.withLock { $0.websocket(text, connection: id, now: now) }
            server.send(out)
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
