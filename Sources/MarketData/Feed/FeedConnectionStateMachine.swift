import TradingCore

/// The lifecycle of one WebSocket connection to an OKX endpoint, as a pure value: inputs are events with
/// the time they happened, outputs are actions for the I/O layer to perform. No sockets, no clocks, no
/// randomness from outside (the jitter comes from a seeded generator), so every path is testable.
///
/// Rules: connect; on connect send every wanted subscription; OKX closes a connection that hears nothing
/// for 30 s, so when nothing was received for ``Configuration/pingAfterSilence`` send the text `ping` and
/// expect `pong` (or any frame) within ``Configuration/pongTimeout``, else treat the link as dead. On a
/// drop, a failed connect or a dead link, wait an exponentially growing, jittered delay and reconnect;
/// the delay resets once a connection delivers data.
public struct FeedConnectionStateMachine: Sendable {
    /// Timing of the keep-alive and reconnect rules (nanoseconds).
    public struct Configuration: Sendable, Hashable {
        /// Send `ping` after this long without receiving anything. OKX requires less than 30 s.
        public var pingAfterSilenceNanoseconds: Int64
        /// Give up on the connection when nothing (not even `pong`) arrives this long after a ping.
        public var pongTimeoutNanoseconds: Int64
        /// The first reconnect delay; doubles per failure in a row.
        public var initialBackoffNanoseconds: Int64
        /// The largest reconnect delay.
        public var maximumBackoffNanoseconds: Int64
        /// Random extra delay, as a fraction of the delay (0.25 = up to 25 % more).
        public var jitterFraction: Double

        public init(pingAfterSilenceNanoseconds: Int64 = 20_000_000_000, pongTimeoutNanoseconds: Int64 = 8_000_000_000,
                    initialBackoffNanoseconds: Int64 = 500_000_000, maximumBackoffNanoseconds: Int64 = 30_000_000_000,
                    jitterFraction: Double = 0.25) {
            self.pingAfterSilenceNanoseconds = min(pingAfterSilenceNanoseconds, 29_000_000_000)
            self.pongTimeoutNanoseconds = pongTimeoutNanoseconds
            self.initialBackoffNanoseconds = initialBackoffNanoseconds
            self.maximumBackoffNanoseconds = max(maximumBackoffNanoseconds, initialBackoffNanoseconds)
            self.jitterFraction = max(0, jitterFraction)
        }
    }

    public enum State: Sendable, Hashable {
        case idle
        case connecting
        case connected(since: Timestamp)
        case waitingToReconnect(until: Timestamp)
        case stopped
    }

    /// Why a connection ended.
    public enum DisconnectReason: Sendable, Hashable, CustomStringConvertible {
        case closedByPeer
        case connectFailed(String)
        /// Nothing arrived within the pong timeout after a ping.
        case silence
        case stopped

        public var description: String {
            switch self {
            case .closedByPeer: "closed by peer"
            case .connectFailed(let reason): "connect failed: \(reason)"
            case .silence: "silent connection (no pong after ping)"
            case .stopped: "stopped"
            }
        }
    }

    /// What the I/O layer must do.
    public enum Action: Sendable, Hashable {
        case connect
        case send(OKXRequest)
        case sendPing
        /// Abandon the current socket (close it, ignore anything more from it).
        case closeConnection(DisconnectReason)
        /// Tell observers about a state change.
        case report(FeedConnectionEvent)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    /// Subscriptions wanted, in the order first asked for.
    public private(set) var subscriptions: [OKXSubscription] = []
    /// Subscriptions OKX acknowledged on the current connection.
    public private(set) var acknowledged: Set<OKXSubscription> = []
    /// Reconnects started after a connection or attempt was lost.
    public private(set) var reconnectCount = 0
    public private(set) var lastReceive: Timestamp = .zero
    public private(set) var pingSentAt: Timestamp?
    private var failuresInARow = 0
    private var hasReceivedOnThisConnection = false
    private var random: SplitMix64

    public init(configuration: Configuration = Configuration(), subscriptions: [OKXSubscription] = [], seed: UInt64 = 0x5EED) {
        self.configuration = configuration
        self.random = SplitMix64(seed: seed)
        for subscription in subscriptions where !self.subscriptions.contains(subscription) {
            self.subscriptions.append(subscription)
        }
    }

    /// Whether every wanted subscription is acknowledged on a live connection.
    public var isFullySubscribed: Bool {
        if case .connected = state { return subscriptions.allSatisfy(acknowledged.contains) }
        return false
    }

    public mutating func start(now: Timestamp) -> [Action] {
        guard state == .idle else { return [] }
        state = .connecting
        return [.connect]
    }

    public mutating func stop() -> [Action] {
        let wasConnected = if case .connected = state { true } else { false }
        state = .stopped
        acknowledged = []
        return wasConnected ? [.closeConnection(.stopped), .report(.disconnected(.stopped))] : []
    }

    /// The socket is open (WebSocket upgrade done).
    public mutating func connectionEstablished(now: Timestamp) -> [Action] {
        guard state == .connecting else { return [] }
        state = .connected(since: now)
        lastReceive = now
        pingSentAt = nil
        acknowledged = []
        hasReceivedOnThisConnection = false
        var actions: [Action] = [.report(.connected)]
        // OKX caps a request at 64 KB; 100 arguments stay well below it.
        var start = 0
        while start < subscriptions.count {
            let end = min(start + 100, subscriptions.count)
            actions.append(.send(.subscribe(Array(subscriptions[start..<end]))))
            start = end
        }
        return actions
    }

    /// Any frame arrived (data, ack, `pong`).
    public mutating func frameReceived(now: Timestamp) {
        guard case .connected = state else { return }
        lastReceive = now
        pingSentAt = nil
        if !hasReceivedOnThisConnection {
            hasReceivedOnThisConnection = true
            failuresInARow = 0
        }
    }

    public mutating func subscriptionAcknowledged(_ subscription: OKXSubscription) -> [Action] {
        guard case .connected = state, subscriptions.contains(subscription) else { return [] }
        acknowledged.insert(subscription)
        return [.report(.subscribed(subscription))]
    }

    public mutating func unsubscriptionAcknowledged(_ subscription: OKXSubscription) {
        acknowledged.remove(subscription)
    }

    /// The socket closed or the connect attempt failed.
    public mutating func connectionLost(now: Timestamp, reason: DisconnectReason) -> [Action] {
        switch state {
        case .connected, .connecting:
            return scheduleReconnect(now: now, reason: reason)
        case .idle, .waitingToReconnect, .stopped:
            return []
        }
    }

    /// Time passed; call regularly (every few hundred milliseconds).
    public mutating func tick(now: Timestamp) -> [Action] {
        switch state {
        case .connected:
            if let pingSentAt {
                if now.nanoseconds(since: pingSentAt) >= configuration.pongTimeoutNanoseconds {
                    return [.closeConnection(.silence)] + scheduleReconnect(now: now, reason: .silence)
                }
            } else if now.nanoseconds(since: lastReceive) >= configuration.pingAfterSilenceNanoseconds {
                pingSentAt = now
                return [.sendPing]
            }
            return []
        case .waitingToReconnect(let until):
            guard now >= until else { return [] }
            state = .connecting
            return [.connect]
        case .idle, .connecting, .stopped:
            return []
        }
    }

    /// Adds subscriptions; sends them now when connected.
    public mutating func subscribe(_ new: [OKXSubscription]) -> [Action] {
        let added = new.filter { !subscriptions.contains($0) }
        subscriptions.append(contentsOf: added)
        guard case .connected = state, !added.isEmpty else { return [] }
        return [.send(.subscribe(added))]
    }

    /// Removes subscriptions; unsubscribes them now when connected.
    public mutating func unsubscribe(_ old: [OKXSubscription]) -> [Action] {
        let removed = old.filter(subscriptions.contains)
        subscriptions.removeAll { removed.contains($0) }
        for subscription in removed { acknowledged.remove(subscription) }
        guard case .connected = state, !removed.isEmpty else { return [] }
        return [.send(.unsubscribe(removed))]
    }

    /// Unsubscribes and subscribes again (to get a fresh book snapshot).
    public mutating func resubscribe(_ subscription: OKXSubscription) -> [Action] {
        guard subscriptions.contains(subscription), case .connected = state else { return [] }
        acknowledged.remove(subscription)
        return [.send(.unsubscribe([subscription])), .send(.subscribe([subscription]))]
    }

    /// The delay before reconnect attempt number `failures` (1-based), before jitter.
    public func backoffNanoseconds(failures: Int) -> Int64 {
        var delay = configuration.initialBackoffNanoseconds
        var remaining = max(0, failures - 1)
        while remaining > 0 && delay < configuration.maximumBackoffNanoseconds {
            delay *= 2
            remaining -= 1
        }
        return min(delay, configuration.maximumBackoffNanoseconds)
    }

    private mutating func scheduleReconnect(now: Timestamp, reason: DisconnectReason) -> [Action] {
        failuresInARow += 1
        reconnectCount += 1
        acknowledged = []
        pingSentAt = nil
        let base = backoffNanoseconds(failures: failuresInARow)
        let jitter = Int64(Double(base) * configuration.jitterFraction * random.nextUnitInterval())
        let until = now.advanced(byNanoseconds: base + jitter)
        state = .waitingToReconnect(until: until)
        return [.report(.disconnected(reason)), .report(.reconnectScheduled(after: base + jitter))]
    }
}

/// Something observers of a feed connection may want to know.
public enum FeedConnectionEvent: Sendable, Hashable {
    case connected
    case disconnected(FeedConnectionStateMachine.DisconnectReason)
    case reconnectScheduled(after: Int64)
    case subscribed(OKXSubscription)
}

/// A small, fast, seedable generator (Steele, Lea, Flood 2014); deterministic across platforms.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A uniformly distributed value in [0, 1).
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
