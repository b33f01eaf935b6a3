import Logging
import NIOCore
import OKXTrading
import Synchronization
import TradingCore
import WebSocketKit

/// The private WebSocket around one ``OKXPrivateSession``: websocket-kit for the socket, the
/// session for every decision (log in, subscribe, ping, reconnect, buffer while reconciling).
///
/// Decoded pushes come out of ``messages`` in arrival order; pushes that arrived while a
/// reconciliation ran follow it (the session's replay). `reconcile` is called with the session's
/// generation after every (re)subscription, again while it returns false; once it returns true,
/// the buffered pushes are released. As
/// in the public feed's driver, every socket gets a generation number and a socket the session
/// abandoned cannot report into the next.
public final class OKXPrivateSocket: Sendable {
    private struct Inner: Sendable {
        var session: OKXPrivateSession
        var socket: WebSocket?
        var generation = 0
        var timer: RepeatedTask?
        var logins = 0
        var reconciliations = 0
    }

    /// The pushes and answers to apply, in order.
    public let messages: AsyncStream<OKXPrivateMessage>
    private let continuation: AsyncStream<OKXPrivateMessage>.Continuation
    private let url: String
    private let signer: OKXRequestSigner
    private let clock: OKXVenueClock
    private let group: any EventLoopGroup
    private let tickInterval: TimeAmount
    private let logger: Logger
    private let reconcile: @Sendable (Int) async -> Bool
    private let codec = OKXPrivateCodec()
    private let inner: Mutex<Inner>

    /// A socket to `url` (``OKXEnvironment/privateWebSocketURL`` or a test server's) that logs in
    /// with `signer`, checks its clocks every `tickInterval`, and calls `reconcile` after subscribing
    /// (it returns whether it completed).
    public init(url: String, signer: OKXRequestSigner, clock: OKXVenueClock, configuration: OKXPrivateSession.Configuration = .init(),
                group: any EventLoopGroup, tickInterval: TimeAmount = .milliseconds(100), logger: Logger,
                reconcile: @escaping @Sendable (Int) async -> Bool) {
        self.url = url
        self.signer = signer
        self.clock = clock
        self.group = group
        self.tickInterval = tickInterval
        self.logger = logger
        self.reconcile = reconcile
        (messages, continuation) = AsyncStream.makeStream(of: OKXPrivateMessage.self)
        inner = Mutex(Inner(session: OKXPrivateSession(configuration: configuration)))
    }

    /// The session's state (for status and tests).
    public var state: OKXPrivateSession.State { inner.withLock { $0.session.state } }
    /// Logins sent and reconciliations started so far.
    public var counts: (logins: Int, reconciliations: Int) { inner.withLock { ($0.logins, $0.reconciliations) } }

    /// Connects, and keeps the session's clock running.
    public func start() {
        var actions: [OKXPrivateSession.Action] = []
        inner.withLock { $0.session.start(at: clock.now(), actions: &actions) }
        let timer = group.next().scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { [self] _ in
            var actions: [OKXPrivateSession.Action] = []
            inner.withLock { $0.session.advance(to: clock.now(), actions: &actions) }
            perform(actions)
        }
        inner.withLock { $0.timer = timer }
        perform(actions)
    }

    /// Closes the socket for good and ends ``messages``.
    public func stop() {
        let (timer, socket) = inner.withLock { inner in
            var ignored: [OKXPrivateSession.Action] = []
            inner.session.stop(reason: "stopped", actions: &ignored)
            inner.generation += 1
            defer { inner.socket = nil; inner.timer = nil }
            return (inner.timer, inner.socket)
        }
        timer?.cancel()
        _ = socket?.close(code: .goingAway)
        continuation.finish()
    }

    // MARK: Actions (performed outside the lock: socket calls may call back synchronously)

    private func perform(_ actions: [OKXPrivateSession.Action]) {
        for action in actions {
            switch action {
            case .connect:
                connect()
            case .sendLogin:
                inner.withLock { $0.logins += 1 }
                // The login text holds the passphrase and signature: sent, never logged.
                send(signer.login(at: clock.now()).requestText)
            case .sendText(let text):
                send(text)
            case .sendPing:
                send("ping")
            case .closeConnection(let reason):
                let socket = inner.withLock { inner in
                    inner.generation += 1
                    defer { inner.socket = nil }
                    return inner.socket
                }
                logger.warning("okx private socket: closing", metadata: ["reason": "\(reason)"])
                _ = socket?.close(code: .goingAway)
            case .startReconciliation(let generation):
                inner.withLock { $0.reconciliations += 1 }
                logger.info("okx private socket: subscribed; reconciling", metadata: ["generation": "\(generation)"])
                warnIfStillReconciling(generation, after: handshakeAllowance)
                Task { [self] in
                    // A reconciliation that could not pull OKX's state is tried again (pushes stay
                    // buffered meanwhile) until it completes or this connection is gone.
                    var delay: UInt64 = 200_000_000
                    while await !reconcile(generation) {
                        guard case .reconciling(let current) = state, current == generation else { return }
                        logger.warning("okx private socket: reconciliation failed; retrying", metadata: ["after_ms": "\(delay / 1_000_000)"])
                        try? await Task.sleep(nanoseconds: delay)
                        delay = min(delay * 2, 5_000_000_000)
                    }
                    var actions: [OKXPrivateSession.Action] = []
                    inner.withLock { inner in
                        inner.session.reconciliationFinished(generation: generation, at: clock.now(), actions: &actions)
                        yieldMessages(actions)
                    }
                    perform(actions)
                }
            case .replay, .deliver:
                // Yielded under the lock where they arose (yieldMessages), so a replay and a new
                // push cannot overtake each other.
                break
            case .halt(let reason):
                logger.critical("okx private socket: halted", metadata: ["reason": "\(reason)"])
            case .reconnectScheduled(let reason, let at):
                // A warning: until it reconnects, the runtime hears nothing of its orders' fills.
                logger.warning("okx private socket: reconnect scheduled", metadata: ["reason": "\(reason)", "at": "\(at)"])
            }
        }
    }

    /// How long a handshake step may take now (``OKXPrivateSession/handshakeAllowanceNanoseconds``).
    private var handshakeAllowance: TimeAmount {
        .nanoseconds(inner.withLock { $0.session.handshakeAllowanceNanoseconds })
    }

    /// Pushes stay buffered until a reconciliation ends, and nothing else times one out (each
    /// of its REST calls has its own timeout): a long one is said, again at every doubling.
    private func warnIfStillReconciling(_ generation: Int, after delay: TimeAmount, waited: TimeAmount = .zero) {
        group.next().scheduleTask(in: delay) { [self] in
            guard case .reconciling(let current) = state, current == generation else { return }
            let total = waited + delay
            logger.warning("okx private socket: still reconciling; order and position pushes wait until it ends",
                           metadata: ["generation": "\(generation)", "for_ms": "\(total.nanoseconds / 1_000_000)"])
            warnIfStillReconciling(generation, after: delay * 2, waited: total)
        }
    }

    /// Hands delivered and replayed messages on; called while holding the lock.
    private func yieldMessages(_ actions: [OKXPrivateSession.Action]) {
        for action in actions {
            switch action {
            case .replay(let messages): for message in messages { continuation.yield(message) }
            case .deliver(let message): continuation.yield(message)
            default: break
            }
        }
    }

    private func send(_ text: String) {
        inner.withLock { $0.socket }?.send(text)
    }

    private func connect() {
        let generation = inner.withLock { inner in
            inner.generation += 1
            return inner.generation
        }
        let future = WebSocket.connect(to: url, configuration: WebSocketClient.Configuration(maxFrameSize: 1 << 22), on: group) { [self] socket in
            let current = inner.withLock { inner -> Bool in
                guard inner.generation == generation else { return false }
                inner.socket = socket
                return true
            }
            guard current else {
                _ = socket.close(code: .goingAway)
                return
            }
            socket.onText { [self] _, text in received(text, generation: generation) }
            socket.onClose.whenComplete { [self] _ in lost(generation: generation, reason: nil) }
            var actions: [OKXPrivateSession.Action] = []
            inner.withLock { $0.session.connected(at: clock.now(), actions: &actions) }
            perform(actions)
        }
        future.whenFailure { [self] error in lost(generation: generation, reason: "\(error)") }
        // websocket-kit may never complete a connect whose connection the server closed before the
        // upgrade; the session has no timer for that state, so the driver gives the attempt up.
        let timeout = handshakeAllowance
        group.next().scheduleTask(in: timeout) { [self] in
            var actions: [OKXPrivateSession.Action] = []
            inner.withLock { inner in
                guard inner.generation == generation, inner.socket == nil else { return }
                // A new generation: should the attempt still complete, its socket is closed unused.
                inner.generation += 1
                inner.session.connectFailed(reason: "no connection within \(timeout.nanoseconds / 1_000_000) ms", at: clock.now(),
                                            actions: &actions)
            }
            perform(actions)
        }
    }

    /// The socket closed, or (`reason` set) never opened.
    private func lost(generation: Int, reason: String?) {
        var actions: [OKXPrivateSession.Action] = []
        inner.withLock { inner in
            guard inner.generation == generation else { return }
            inner.socket = nil
            if let reason {
                inner.session.connectFailed(reason: reason, at: clock.now(), actions: &actions)
            } else {
                inner.session.closed(at: clock.now(), actions: &actions)
            }
        }
        perform(actions)
    }

    private func received(_ text: String, generation: Int) {
        let message: OKXPrivateMessage
        do {
            message = try codec.decodeFrame(text)
        } catch {
            logger.warning("okx private socket: undecodable frame skipped", metadata: ["error": "\(error)"])
            return
        }
        var actions: [OKXPrivateSession.Action] = []
        let current = inner.withLock { inner -> Bool in
            guard inner.generation == generation else { return false }
            inner.session.received(message, at: clock.now(), actions: &actions)
            yieldMessages(actions)
            return true
        }
        guard current else { return }
        perform(actions)
    }
}
