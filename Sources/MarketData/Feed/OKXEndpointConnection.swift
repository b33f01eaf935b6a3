import Logging
import NIOCore
import Synchronization
import TradingCore
import WebSocketKit

/// The I/O around one ``FeedConnectionStateMachine``: a websocket-kit client to one OKX endpoint.
///
/// Frames are decoded on the connection's event loop as they arrive and yielded, in arrival order, to
/// the feed's stream. Every socket gets a generation number; when the state machine abandons a socket
/// (silence), anything that socket still reports is ignored, so a half-dead link cannot confuse the next.
final class OKXEndpointConnection: Sendable {
    private struct Inner: Sendable {
        var machine: FeedConnectionStateMachine
        var decoder = FrameDecoder()
        var metrics: FeedMetrics
        var generation = 0
        var socket: WebSocket?
        var timer: RepeatedTask?
    }

    let endpoint: OKXEndpointKind
    private let url: String
    private let configuration: FeedConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let sink: @Sendable (FeedEvent) -> Void
    private let rawSink: (@Sendable (ReceivedFrame) -> Void)?
    private let inner: Mutex<Inner>

    init(endpoint: OKXEndpointKind, subscriptions: [OKXSubscription], configuration: FeedConfiguration,
         group: any EventLoopGroup, logger: Logger, sink: @escaping @Sendable (FeedEvent) -> Void,
         rawSink: (@Sendable (ReceivedFrame) -> Void)?) {
        self.endpoint = endpoint
        self.url = configuration.url(for: endpoint)
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.sink = sink
        self.rawSink = rawSink
        let seed = configuration.jitterSeed &+ (endpoint == .public ? 0 : 1)
        self.inner = Mutex(Inner(machine: FeedConnectionStateMachine(configuration: configuration.connection,
                                                                     subscriptions: subscriptions, seed: seed),
                                 metrics: FeedMetrics(endpoint: endpoint)))
    }

    var metrics: FeedMetrics { inner.withLock { $0.metrics } }

    func start() {
        let actions = inner.withLock { $0.machine.start(now: WallClock.now()) }
        let interval = TimeAmount.nanoseconds(configuration.tickIntervalNanoseconds)
        let timer = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            let actions = inner.withLock { $0.machine.tick(now: WallClock.now()) }
            perform(actions)
        }
        inner.withLock { $0.timer = timer }
        perform(actions)
    }

    func stop() {
        let (actions, timer, socket) = inner.withLock { inner in
            let actions = inner.machine.stop()
            inner.generation += 1
            defer { inner.socket = nil; inner.timer = nil }
            return (actions, inner.timer, inner.socket)
        }
        timer?.cancel()
        reportOnly(actions)
        _ = socket?.close(code: .goingAway)
    }

    func subscribe(_ subscriptions: [OKXSubscription]) {
        perform(inner.withLock { $0.machine.subscribe(subscriptions) })
    }

    func unsubscribe(_ subscriptions: [OKXSubscription]) {
        perform(inner.withLock { $0.machine.unsubscribe(subscriptions) })
    }

    func resubscribe(_ subscription: OKXSubscription) {
        perform(inner.withLock { $0.machine.resubscribe(subscription) })
    }

    /// A frame that did not come from the socket (a book snapshot fetched over REST), handled as if
    /// the current socket had delivered it: decoded, counted, recorded, yielded in order.
    func inject(_ text: String) {
        received(text, generation: inner.withLock { $0.generation })
    }

    // MARK: Performing actions (never while holding the lock: socket calls may call back synchronously)

    private func perform(_ actions: [FeedConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .connect:
                connect()
            case .send(let request):
                send(request.encoded())
            case .sendPing:
                inner.withLock { $0.metrics.pingsSent += 1 }
                send(OKXRequest.ping)
            case .closeConnection(let reason):
                let socket = inner.withLock { inner in
                    inner.generation += 1
                    inner.metrics.isConnected = false
                    inner.metrics.isFullySubscribed = false
                    defer { inner.socket = nil }
                    return inner.socket
                }
                logger.warning("okx feed: abandoning connection", metadata: ["endpoint": "\(endpoint)", "reason": "\(reason)"])
                _ = socket?.close(code: .goingAway)
            case .report(let event):
                report(event)
            }
        }
    }

    private func reportOnly(_ actions: [FeedConnectionStateMachine.Action]) {
        for case .report(let event) in actions { report(event) }
    }

    private func report(_ event: FeedConnectionEvent) {
        switch event {
        case .connected:
            logger.info("okx feed: connected", metadata: ["endpoint": "\(endpoint)", "url": "\(url)"])
        case .disconnected(let reason):
            let reconnects = inner.withLock { inner in
                inner.metrics.isConnected = false
                inner.metrics.isFullySubscribed = false
                inner.metrics.reconnects = inner.machine.reconnectCount
                return inner.machine.reconnectCount
            }
            logger.warning("okx feed: disconnected", metadata: ["endpoint": "\(endpoint)", "reason": "\(reason)",
                                                                "reconnects": "\(reconnects)"])
        case .reconnectScheduled(let delay):
            logger.info("okx feed: reconnecting", metadata: ["endpoint": "\(endpoint)", "after_ms": "\(delay / 1_000_000)"])
        case .subscribed(let subscription):
            logger.debug("okx feed: subscribed", metadata: ["endpoint": "\(endpoint)", "subscription": "\(subscription)"])
        }
        sink(.connection(endpoint, event))
    }

    private func send(_ text: String) {
        guard let socket = inner.withLock({ $0.socket }) else { return }
        socket.send(text)
    }

    private func connect() {
        let generation = inner.withLock { inner in
            inner.generation += 1
            return inner.generation
        }
        var client = WebSocketClient.Configuration(maxFrameSize: configuration.maximumFrameBytes)
        client.maxAccumulatedFrameSize = configuration.maximumFrameBytes
        let future = WebSocket.connect(to: url, configuration: client, on: group) { [self] socket in
            let current = inner.withLock { inner -> Bool in
                guard inner.generation == generation else { return false }
                inner.socket = socket
                inner.metrics.isConnected = true
                return true
            }
            guard current else {
                _ = socket.close(code: .goingAway)
                return
            }
            socket.onText { [self] _, text in received(text, generation: generation) }
            socket.onClose.whenComplete { [self] _ in lost(generation: generation, reason: .closedByPeer) }
            perform(inner.withLock { $0.machine.connectionEstablished(now: WallClock.now()) })
        }
        future.whenFailure { [self] error in lost(generation: generation, reason: .connectFailed("\(error)")) }
    }

    private func lost(generation: Int, reason: FeedConnectionStateMachine.DisconnectReason) {
        let actions = inner.withLock { inner -> [FeedConnectionStateMachine.Action] in
            guard inner.generation == generation else { return [] }
            inner.socket = nil
            return inner.machine.connectionLost(now: WallClock.now(), reason: reason)
        }
        perform(actions)
    }

    private func received(_ text: String, generation: Int) {
        let now = WallClock.now()
        let frame = ReceivedFrame(text: text, receivedAt: now, endpoint: endpoint)
        var actions: [FeedConnectionStateMachine.Action] = []
        var events: [FeedEvent] = []
        let isCurrent = inner.withLock { inner -> Bool in
            guard inner.generation == generation else { return false }
            inner.machine.frameReceived(now: now)
            inner.metrics.countFrame(at: now)
            let result = inner.decoder.decode(frame) { event in
                if case .market(let market, _) = event {
                    inner.metrics.marketEvents += 1
                    if case .candle = market {} else { inner.metrics.recordLag(exchangeTime: market.timestamp, receivedAt: now) }
                }
                events.append(event)
            }
            inner.metrics.duplicateTradesDropped = inner.decoder.deduplicator.duplicatesDropped
            switch result {
            case .success(.control(.subscribed(let subscription, _))):
                actions = inner.machine.subscriptionAcknowledged(subscription)
            case .success(.control(.unsubscribed(let subscription, _))):
                inner.machine.unsubscriptionAcknowledged(subscription)
            case .success(.control(let control)):
                if case .error(let code, let message, _) = control { inner.metrics.lastExchangeError = "\(code): \(message)" }
                if case .pong = control {} else { events.append(.exchangeMessage(endpoint, control)) }
            case .success(.unsupportedChannel):
                inner.metrics.unsupportedFrames += 1
            case .success:
                break
            case .failure:
                inner.metrics.decodeErrors += 1
            }
            inner.metrics.isFullySubscribed = inner.machine.isFullySubscribed
            return true
        }
        guard isCurrent else { return }
        rawSink?(frame)
        for event in events {
            if case .decodeFailure(let error, _) = event {
                // The first few failures in full, then every 1000th, so a broken stream cannot flood the log.
                let count = inner.withLock { $0.metrics.decodeErrors }
                if count <= 10 || count % 1000 == 0 {
                    logger.warning("okx feed: undecodable frame skipped", metadata: ["endpoint": "\(endpoint)", "error": "\(error)",
                                                                                    "decode_errors": "\(count)"])
                }
            }
            sink(event)
        }
        perform(actions)
    }
}
