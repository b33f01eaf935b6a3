import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket connection of the test server: answers requests and pings, pumps frames on a timer.
/// Lives on its channel's event loop; shared state goes through the server's lock.
final class OKXTestConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let server: OKXTestServer
    private let interval: TimeAmount
    private let logger: Logger
    private var connectionId = 0
    private var isSilent = false
    private var isClosed = false
    private var pump: Scheduled<Void>?

    init(server: OKXTestServer, interval: TimeAmount, logger: Logger) {
        self.server = server
        self.interval = interval
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connectionId = server.state.withLock { $0.openConnection() }
        server.register(channel: context.channel, id: connectionId)
        logger.debug("okx test server: connection opened", metadata: ["connection": "\(connectionId)"])
        schedulePump(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    private func finish() {
        guard !isClosed else { return }
        isClosed = true
        pump?.cancel()
        server.state.withLock { $0.closeConnection(connectionId) }
        server.unregister(id: connectionId)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            var payload = frame.unmaskedData
            let text = payload.readString(length: payload.readableBytes) ?? ""
            handle(text: text, context: context)
        case .ping:
            guard !isSilent else { return }
            send(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData), context: context)
        case .connectionClose:
            var reply = context.channel.allocator.buffer(capacity: 2)
            reply.write(webSocketErrorCode: .normalClosure)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply))).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("okx test server: connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func handle(text: String, context: ChannelHandlerContext) {
        guard !isSilent else { return }
        if text == "ping" {
            server.state.withLock { $0.statistics.pingsAnswered += 1 }
            sendText("pong", context: context)
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let operation = object["op"] as? String, operation == "subscribe" || operation == "unsubscribe",
              let arguments = object["args"] as? [[String: Any]] else {
            server.state.withLock { $0.statistics.rejectedRequests.append(text) }
            sendText(#"{"event":"error","code":"60012","msg":"Invalid request: \#(Self.escape(text))","connId":"\#(connectionTag)"}"#,
                     context: context)
            return
        }
        for argument in arguments {
            guard let channelName = argument["channel"] as? String else {
                sendText(#"{"event":"error","code":"60018","msg":"Wrong URL or channel doesn't exist.","connId":"\#(connectionTag)"}"#,
                         context: context)
                continue
            }
            let channel = OKXTestChannel(channel: channelName, instId: argument["instId"] as? String ?? "")
            server.state.withLock { state in
                if operation == "subscribe" {
                    state.subscribe(channel, connection: connectionId)
                } else {
                    state.unsubscribe(channel, connection: connectionId)
                }
            }
            let argumentJSON = (try? JSONSerialization.data(withJSONObject: argument, options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            sendText(#"{"event":"\#(operation)","arg":\#(argumentJSON),"connId":"\#(connectionTag)"}"#, context: context)
        }
    }

    private var connectionTag: String { String(format: "%08x", 0x7E57_0000 &+ connectionId) }

    private func schedulePump(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pump = context.eventLoop.scheduleTask(in: interval) {
            let (handler, context) = bound.value
            handler.pumpOnce(context: context)
        }
    }

    private func pumpOnce(context: ChannelHandlerContext) {
        guard !isClosed, !isSilent else { return }
        let decision = server.state.withLock { $0.next(for: connectionId) }
        switch decision {
        case .nothingToSend:
            schedulePump(context: context)
        case .send(let text, let action):
            sendText(text, context: context)
            switch action {
            case .keepServing:
                schedulePump(context: context)
            case .drop:
                logger.info("okx test server: dropping connection as scripted", metadata: ["connection": "\(connectionId)"])
                context.close(promise: nil)
            case .goSilent:
                logger.info("okx test server: going silent as scripted", metadata: ["connection": "\(connectionId)"])
                isSilent = true
            }
        }
    }

    private func sendText(_ text: String, context: ChannelHandlerContext) {
        send(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)), context: context)
    }

    private func send(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        guard !isClosed else { return }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
