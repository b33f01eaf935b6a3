import TradingCore

/// The private WebSocket connection as a pure value: inputs are what happened (connected, a frame,
/// closed, the clock), outputs are ``Action``s for the driver. No socket, no clock, no randomness.
///
/// connect → login → logged in → subscribe `orders`/`positions`/`balance_and_position` → all
/// acknowledged → **reconciling** (pushes are buffered while the shell pulls REST state) →
/// reconciliation finished → the buffer is replayed → ready (pushes delivered as they come).
/// Every reconnect logs in again, subscribes again and reconciles again: OKX's `orders` channel has
/// no snapshot, so anything that happened while disconnected is only visible over REST.
///
/// Keep-alive: after ``Configuration/pingAfterSilenceNanoseconds`` without a frame send the text
/// `ping` (OKX closes a connection silent for 30 s); no frame within the pong timeout means the
/// link is dead. Reconnects wait an exponentially growing delay that resets once a session becomes
/// ready. A refused login (bad key, signature, clock) halts: retrying would not fix it.
public struct OKXPrivateSession: Sendable, Hashable {
    /// Timing of keep-alive, handshake and reconnects (nanoseconds), and the channels to subscribe.
    public struct Configuration: Sendable, Hashable {
        /// Send `ping` after this long without a frame (at most 25 s: OKX drops a connection silent for 30 s).
        public var pingAfterSilenceNanoseconds: Int64
        /// No frame this long after a ping: the link is dead.
        public var pongTimeoutNanoseconds: Int64
        /// Connect, login or subscription not done within this long: reconnect. The allowance
        /// doubles per failure in a row (see ``OKXPrivateSession/handshakeAllowanceNanoseconds``).
        public var handshakeTimeoutNanoseconds: Int64
        /// The first reconnect delay; doubles per failure in a row.
        public var initialBackoffNanoseconds: Int64
        /// The largest reconnect delay.
        public var maximumBackoffNanoseconds: Int64
        /// What to subscribe after login.
        public var channels: [OKXPrivateChannel]

        public init(pingAfterSilenceNanoseconds: Int64 = 20_000_000_000, pongTimeoutNanoseconds: Int64 = 8_000_000_000,
                    handshakeTimeoutNanoseconds: Int64 = 10_000_000_000, initialBackoffNanoseconds: Int64 = 500_000_000,
                    maximumBackoffNanoseconds: Int64 = 30_000_000_000, channels: [OKXPrivateChannel] = OKXPrivateChannel.venueDefaults) {
            // OKX drops a connection silent for 30 s: the ping must go well before that.
            self.pingAfterSilenceNanoseconds = min(max(1, pingAfterSilenceNanoseconds), 25_000_000_000)
            self.pongTimeoutNanoseconds = max(1, pongTimeoutNanoseconds)
            self.handshakeTimeoutNanoseconds = max(1, handshakeTimeoutNanoseconds)
            self.initialBackoffNanoseconds = max(1, initialBackoffNanoseconds)
            self.maximumBackoffNanoseconds = max(maximumBackoffNanoseconds, self.initialBackoffNanoseconds)
            self.channels = channels
        }
    }

    /// Where the connection stands.
    public enum State: Sendable, Hashable {
        case idle
        case connecting
        case loggingIn(since: Timestamp)
        case subscribing(waitingFor: Set<String>, since: Timestamp)
        /// Subscribed; the shell is pulling REST state. Pushes are buffered.
        case reconciling(generation: Int)
        case ready
        case waitingToReconnect(until: Timestamp)
        /// Stopped for good: credentials or environment are wrong, or the shell stopped it.
        case halted(reason: String)
    }

    /// What the driver must do, in order.
    public enum Action: Sendable, Hashable {
        case connect
        /// Sign a login for the current time (``OKXRequestSigner/login(at:)``) and send it.
        case sendLogin
        case sendText(String)
        case sendPing
        case closeConnection(reason: String)
        /// Pull REST state and reconcile; answer with ``reconciliationFinished(generation:at:actions:)``.
        case startReconciliation(generation: Int)
        /// Buffered pushes, in arrival order, to apply after reconciliation.
        case replay([OKXPrivateMessage])
        /// A message to apply now.
        case deliver(OKXPrivateMessage)
        /// Trading must stop (bad credentials or clock); the session will not reconnect.
        case halt(reason: String)
        /// The connection was lost or abandoned; the next attempt is at `at` (for the log and metrics).
        case reconnectScheduled(reason: String, at: Timestamp)
    }

    /// The rules this session follows.
    public let configuration: Configuration
    /// The current state.
    public internal(set) var state: State = .idle
    /// Pushes received while not ready, replayed after reconciliation.
    public internal(set) var buffer: [OKXPrivateMessage] = []
    /// Counts reconciliations, so a late "finished" from an earlier connection is ignored.
    public internal(set) var generation = 0
    var lastReceived: Timestamp = .zero
    var pingSentAt: Timestamp?
    var failuresInARow = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Any frame proves the link alive.
    mutating func noteReceived(at now: Timestamp) {
        lastReceived = max(lastReceived, now)
        pingSentAt = nil
    }

    /// Starts connecting.
    public mutating func start(at now: Timestamp, actions: inout [Action]) {
        guard state == .idle else { return }
        state = .connecting
        actions.append(.connect)
    }

    /// The socket is open: log in first (private channels refuse subscriptions before login, 60011).
    public mutating func connected(at now: Timestamp, actions: inout [Action]) {
        guard state == .connecting else { return }
        lastReceived = now
        pingSentAt = nil
        state = .loggingIn(since: now)
        actions.append(.sendLogin)
    }

    /// The connect attempt failed.
    public mutating func connectFailed(reason: String, at now: Timestamp, actions: inout [Action]) {
        guard state == .connecting else { return }
        scheduleReconnect(after: "connect failed: \(reason)", at: now, actions: &actions)
    }

    /// The connection closed (by OKX, the network, or after our ``Action/closeConnection(reason:)``).
    public mutating func closed(at now: Timestamp, actions: inout [Action]) {
        switch state {
        case .idle, .waitingToReconnect, .halted: return
        case .connecting, .loggingIn, .subscribing, .reconciling, .ready:
            scheduleReconnect(after: "connection closed", at: now, actions: &actions)
        }
    }

    /// The shell finished reconciling: replay the buffer, then deliver pushes as they come.
    public mutating func reconciliationFinished(generation finished: Int, at now: Timestamp, actions: inout [Action]) {
        guard case .reconciling(let current) = state, current == finished else { return }
        state = .ready
        failuresInARow = 0
        if !buffer.isEmpty { actions.append(.replay(buffer)) }
        buffer.removeAll()
    }

    /// Stops for good (shutdown).
    public mutating func stop(reason: String, actions: inout [Action]) {
        if case .halted = state { return }
        let wasConnected = state != .idle && state != .connecting && !isWaiting
        state = .halted(reason: reason)
        if wasConnected { actions.append(.closeConnection(reason: reason)) }
    }

    private var isWaiting: Bool { if case .waitingToReconnect = state { true } else { false } }

    /// How long the connect, the login and the subscription may each take now: the configured
    /// timeout, doubled per failure in a row up to 8 times it, back to it once a session is
    /// ready. On a link (or a machine) slow enough to miss a fixed allowance every time, every
    /// attempt would be given up just before it succeeded.
    public var handshakeAllowanceNanoseconds: Int64 {
        configuration.handshakeTimeoutNanoseconds << Int64(min(failuresInARow, 3))
    }

    mutating func scheduleReconnect(after reason: String, at now: Timestamp, actions: inout [Action]) {
        failuresInARow += 1
        let exponent = min(failuresInARow - 1, 30)
        let delay = min(configuration.maximumBackoffNanoseconds, configuration.initialBackoffNanoseconds << Int64(exponent))
        let until = now.advanced(byNanoseconds: delay)
        state = .waitingToReconnect(until: until)
        actions.append(.reconnectScheduled(reason: reason, at: until))
    }

    /// Moves the clock: keep-alive, handshake timeouts, reconnects.
    public mutating func advance(to now: Timestamp, actions: inout [Action]) {
        switch state {
        case .waitingToReconnect(let until) where now >= until:
            state = .connecting
            actions.append(.connect)
        case .loggingIn(let since) where now.nanoseconds(since: since) >= handshakeAllowanceNanoseconds,
             .subscribing(_, let since) where now.nanoseconds(since: since) >= handshakeAllowanceNanoseconds:
            actions.append(.closeConnection(reason: "login or subscription not answered"))
            scheduleReconnect(after: "handshake timeout", at: now, actions: &actions)
        case .loggingIn, .subscribing, .reconciling, .ready:
            if let pingSentAt {
                if now.nanoseconds(since: pingSentAt) >= configuration.pongTimeoutNanoseconds {
                    actions.append(.closeConnection(reason: "no pong"))
                    scheduleReconnect(after: "silent connection", at: now, actions: &actions)
                }
            } else if now.nanoseconds(since: lastReceived) >= configuration.pingAfterSilenceNanoseconds {
                pingSentAt = now
                actions.append(.sendPing)
            }
        default:
            break
        }
    }
}
