import Execution
import Logging
import NIOPosix
import OKXTrading
import TradingCore

/// Where and how a host trades on OKX (demo or live).
public struct OKXTradingConfiguration: Sendable {
    /// Demo trading (simulated funds, `x-simulated-trading: 1`) or live.
    public var environment: OKXEnvironment
    /// The REST API's base URL (`OKX_REST_URL` overrides it; tests point it at a local server).
    public var restBaseURL: String
    /// The private WebSocket's URL (`OKX_WS_PRIVATE_URL` overrides it).
    public var privateWebSocketURL: String
    /// expTime, acknowledgement timeout, clock-skew margin and lookup pace of every order.
    public var timing: OKXOrderTiming
    /// OKX cancels every open order this long after the last refresh of its dead-man switch
    /// (`cancel-all-after`); refreshed while the private socket is up.
    public var deadManTimeoutSeconds: Int
    /// How long start-up may take to reach OKX, log in and reconcile before it gives up.
    public var startTimeout: Duration
    /// The private session's pings, timeouts and reconnect backoff.
    public var session: OKXPrivateSession.Configuration
    /// How long one REST request may take before its outcome counts as unknown.
    public var requestTimeoutMilliseconds: Int64

    public init(environment: OKXEnvironment, restBaseURL: String = "https://www.okx.com", privateWebSocketURL: String? = nil,
                timing: OKXOrderTiming = OKXOrderTiming(), deadManTimeoutSeconds: Int = 60, startTimeout: Duration = .seconds(20),
                session: OKXPrivateSession.Configuration = .init(), requestTimeoutMilliseconds: Int64 = 5_000) {
        self.environment = environment
        self.restBaseURL = restBaseURL
        self.privateWebSocketURL = privateWebSocketURL ?? environment.privateWebSocketURL
        self.timing = timing
        self.deadManTimeoutSeconds = deadManTimeoutSeconds
        self.startTimeout = startTimeout
        self.session = session
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
    }
}

/// Why trading on OKX could not start, with what to do about it.
public struct OKXStartError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Everything a host needs to trade on OKX, started only once every start-up check passed:
/// OKX is reachable and its clock agrees with ours, the keys belong to the environment asked for,
/// the account's modes are ones the runtime can place orders in, the dead-man switch is armed,
/// and the private socket is logged in, subscribed and reconciled (orders left open by an earlier
/// run included).
public final class OKXTradingSession {
    /// The venue the engine drives.
    public let venue: OKXVenue
    let rest: OKXRestClient
    let socket: OKXPrivateSocket
    private let tasks: [Task<Void, Never>]
    private let logger: Logger

    /// Runs the start-up checks and connects. `openOrders` are the orders the database holds as
    /// not ended in this mode (from a run that stopped or crashed); `positions` the portfolio's
    /// restored positions, for the first reconciliation; `ownership` which client ids are the
    /// runtime's (every deployed strategy's).
    public static func start(configuration: OKXTradingConfiguration, credentials: OKXCredentials, mode: TradingMode,
                             openOrders: [TradeRecord], positions: [(StrategyName, InstrumentId, PositionSide, FixedPoint)],
                             ownership: OKXOrderOwnership, logger: Logger) async throws(OKXStartError) -> OKXTradingSession {
        let environment = configuration.environment
        let clock = OKXVenueClock()
        let signer = OKXRequestSigner(credentials: credentials, environment: environment)
        let rest = OKXRestClient(configuration: .init(baseURL: configuration.restBaseURL,
                                                      requestTimeout: .milliseconds(configuration.requestTimeoutMilliseconds)),
                                 signer: signer, clock: clock, logger: logger)
        do {
            let defaults = try await preflight(rest: rest, clock: clock, environment: environment)
            let desk = OKXOrderDesk(rest: rest, clock: clock, defaults: defaults, timing: configuration.timing, mode: mode,
                                    ownership: ownership, logger: logger)
            let venue = OKXVenue(desk: desk, mode: mode)
            for (strategy, instrument, side, quantity) in positions {
                desk.heldPositions.set(quantity, strategy: strategy, instrument: instrument, positionSide: side)
            }
            await venue.restore(openOrders)
            var deadMan = OKXDeadManSwitch(timeoutSeconds: configuration.deadManTimeoutSeconds)
            if case .failure(let error) = await rest.cancelAllAfter(deadMan.armed(at: clock.now())) {
                throw OKXStartError(description: "could not arm OKX's dead-man switch (cancel-all-after): \(error)")
            }
            let socket = OKXPrivateSocket(url: configuration.privateWebSocketURL, signer: signer, clock: clock,
                                          configuration: configuration.session, group: MultiThreadedEventLoopGroup.singleton,
                                          logger: logger) { [desk] _ in
                await desk.reconcile()
            }
            let pump = Task { [desk] in
                for await message in socket.messages { await desk.receive(message) }
            }
            socket.start()
            try await waitUntilReady(socket, within: configuration.startTimeout, url: configuration.privateWebSocketURL)
            // What the first reconciliation found (a position no order explains halts the
            // strategies) is the host's to act on before the strategies start.
            await venue.takeDeskNotes()
            let refresh = Task { [rest, socket, logger, deadMan] in
                var deadMan = deadMan
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(deadMan.refreshIntervalNanoseconds))
                    // Refreshed only while the socket is up: a host that lost OKX lets the switch
                    // cancel its orders rather than leave them unwatched.
                    guard socket.state == .ready else {
                        deadMan.disconnected()
                        continue
                    }
                    let request = deadMan.lastRefreshAt == nil ? deadMan.armed(at: clock.now()) : deadMan.advance(to: clock.now())
                    guard let request else { continue }
                    if case .failure(let error) = await rest.cancelAllAfter(request) {
                        logger.warning("okx dead-man switch not refreshed", metadata: ["error": "\(error)"])
                    }
                }
            }
            logger.notice("okx trading session ready", metadata: [
                "environment": "\(environment.rawValue)", "rest": "\(configuration.restBaseURL)",
                "restored_open_orders": "\(openOrders.count)", "dead_man_seconds": "\(configuration.deadManTimeoutSeconds)"])
            return OKXTradingSession(venue: venue, rest: rest, socket: socket, tasks: [pump, refresh], logger: logger)
        } catch let error as OKXStartError {
            try? await rest.shutdown()
            throw error
        } catch {
            try? await rest.shutdown()
            throw OKXStartError(description: "\(error)")
        }
    }

    private init(venue: OKXVenue, rest: OKXRestClient, socket: OKXPrivateSocket, tasks: [Task<Void, Never>], logger: Logger) {
        self.venue = venue
        self.rest = rest
        self.socket = socket
        self.tasks = tasks
        self.logger = logger
    }

    /// Lets the requests that left finish, then disconnects. The dead-man switch
    /// stays armed: what the host left open is canceled by OKX within its timeout unless another
    /// host takes over, so no order rests unwatched.
    public func stop() async {
        await venue.drain()
        socket.stop()
        for task in tasks { task.cancel() }
        try? await rest.shutdown()
        logger.notice("okx trading session stopped")
    }

    /// The checks before anything is sent: OKX reachable, clocks agree, keys of this environment,
    /// account modes the runtime supports. Returns how orders are placed on this account.
    private static func preflight(rest: OKXRestClient, clock: OKXVenueClock,
                                  environment: OKXEnvironment) async throws(OKXStartError) -> OKXOrderDefaults {
        // Three samples: the tightest round trip bounds the offset best.
        for _ in 0..<3 {
            if case .failure(let error) = await rest.measureClock() {
                throw OKXStartError(description: "cannot reach OKX at \(rest.configuration.baseURL): \(error.reason) "
                    + "(check the network, or OKX_REST_URL)")
            }
        }
        if let refusal = clock.estimate.startupRefusal { throw OKXStartError(description: refusal) }
        let configuration: OKXAccountConfiguration
        switch await rest.accountConfiguration() {
        case .success(let value):
            configuration = value
        case .failure(let error) where error.code == "50101":
            let expected = environment == .demo ? "a demo-trading key (created under Demo Trading, in OKX_DEMO_API_KEY)"
                : "a live key (in OKX_API_KEY)"
            throw OKXStartError(description: "OKX refused the API key for \(environment.rawValue) trading (50101): "
                + "\(environment.rawValue) mode needs \(expected); demo and live keys are not interchangeable")
        case .failure(let error):
            throw OKXStartError(description: "could not read the OKX account configuration: \(error)")
        }
        switch configuration.orderDefaults() {
        case .success(let defaults): return defaults
        case .failure(let error): throw OKXStartError(description: "\(error) (change it in OKX's settings, then start again)")
        }
    }

    private static func waitUntilReady(_ socket: OKXPrivateSocket, within timeout: Duration, url: String) async throws(OKXStartError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            switch socket.state {
            case .ready:
                return
            case .halted(let reason):
                socket.stop()
                throw OKXStartError(description: "OKX's private WebSocket at \(url) refused the session: \(reason)")
            default:
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let state = socket.state
        socket.stop()
        throw OKXStartError(description: "could not log in, subscribe and reconcile on OKX's private WebSocket at \(url) "
            + "within \(timeout) (state: \(state)); check the network, or OKX_WS_PRIVATE_URL")
    }
}
