import Logging
import NIOCore
import NIOPosix
import Synchronization
import TradingCore

/// The live OKX market-data feed: one connection to the public endpoint and, when candle (or other
/// business) channels are wanted, one to the business endpoint, each kept alive and reconnected by its
/// own ``FeedConnectionStateMachine``. Events arrive through ``events()`` in arrival order, decoded and
/// with repeated trades removed.
///
/// ```swift
/// let feed = OKXLiveFeed(configuration: config, subscriptions: [OKXSubscription(channel: "trades", instId: "BTC-USDT")])
/// feed.start()
/// for await event in feed.events() { ... }
/// ```
public final class OKXLiveFeed: MarketDataFeed {
    public let isSynthetic = false
    public var label: String { "okx-live(\(configuration.publicURL))" }

    public let configuration: FeedConfiguration
    private let connections: [OKXEndpointConnection]
    private let stream: AsyncStream<FeedEvent>
    private let continuation: AsyncStream<FeedEvent>.Continuation
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let started = Mutex(false)
    private let bookSnapshots: BookSnapshotSource?
    private let logger: Logger

    /// - Parameters:
    ///   - subscriptions: channels to subscribe; each goes to its endpoint (candles to business).
    ///   - group: the event loops to use; by default the feed makes (and later shuts down) its own.
    ///   - rawFrames: called with every frame received, before decoding (for the recorder).
    ///   - bookSnapshots: where a book's snapshot comes from when a ``BookSynchronizer`` asks for one
    ///     (OKX's REST `GET /api/v5/market/books`: its books channels send none since August 2026);
    ///     without it the channel is resubscribed, which gets one only where OKX still sends it.
    public init(configuration: FeedConfiguration, subscriptions: [OKXSubscription], group: (any EventLoopGroup)? = nil,
                logger: Logger = Logger(label: "okx-feed"), rawFrames: (@Sendable (ReceivedFrame) -> Void)? = nil,
                bookSnapshots: BookSnapshotSource? = nil) {
        self.configuration = configuration
        self.bookSnapshots = bookSnapshots
        self.logger = logger
        let (stream, continuation) = AsyncStream<FeedEvent>.makeStream(bufferingPolicy: .unbounded)
        self.stream = stream
        self.continuation = continuation
        let loopGroup: any EventLoopGroup
        if let group {
            loopGroup = group
            self.ownedGroup = nil
        } else {
            let owned = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            loopGroup = owned
            self.ownedGroup = owned
        }
        var connections: [OKXEndpointConnection] = []
        for endpoint in OKXEndpointKind.allCases {
            let wanted = subscriptions.filter { $0.endpoint == endpoint }
            guard !wanted.isEmpty || endpoint == .public else { continue }
            connections.append(OKXEndpointConnection(
                endpoint: endpoint, subscriptions: wanted, configuration: configuration, group: loopGroup, logger: logger,
                sink: { event in continuation.yield(event) }, rawSink: rawFrames))
        }
        self.connections = connections
    }

    /// The event stream (one consumer).
    public func events() -> AsyncStream<FeedEvent> { stream }

    /// Connects every endpoint. Calling it again does nothing.
    public func start() {
        guard started.withLock({ started in defer { started = true }; return !started }) else { return }
        for connection in connections { connection.start() }
    }

    /// Closes the connections and finishes the event stream.
    public func stop() async {
        for connection in connections { connection.stop() }
        continuation.finish()
        try? await ownedGroup?.shutdownGracefully()
    }

    /// Metrics per endpoint.
    public var metrics: [FeedMetrics] { connections.map(\.metrics) }

    /// Whether every endpoint is connected with all its subscriptions acknowledged.
    public var isFullySubscribed: Bool { connections.allSatisfy { $0.metrics.isFullySubscribed } }

    /// Asks for a fresh snapshot of a book channel (unsubscribe, subscribe): call when a
    /// ``BookSynchronizer`` says so.
    public func resubscribe(_ subscription: OKXSubscription) {
        connections.first { $0.endpoint == subscription.endpoint }?.resubscribe(subscription)
    }

    /// Gets a fresh snapshot of a book channel when a ``BookSynchronizer`` asks for one: from
    /// ``BookSnapshotSource`` when there is one, delivered as a snapshot frame among the
    /// connection's frames (and recorded as one), else by resubscribing. A failed fetch is logged;
    /// the synchronizer asks again after its backoff.
    public func requestSnapshot(_ subscription: OKXSubscription) {
        guard let bookSnapshots, let instId = subscription.instId else {
            resubscribe(subscription)
            return
        }
        guard let connection = connections.first(where: { $0.endpoint == subscription.endpoint }) else { return }
        let logger = logger
        Task {
            do {
                let body = try await bookSnapshots(instId, BookSnapshotSource.depth(of: subscription.channel))
                connection.inject(try BookSnapshotFrame.text(restBody: body, channel: subscription.channel, instId: instId))
            } catch {
                logger.warning("okx feed: book snapshot not fetched", metadata: ["subscription": "\(subscription)", "error": "\(error)"])
            }
        }
    }
}
