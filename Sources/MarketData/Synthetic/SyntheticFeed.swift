import Logging
import TradingCore

/// A feed of SYNTHETIC market data from ``SyntheticMarket``: raw OKX-shaped frames through the real codec.
/// Its ``isSynthetic`` is true and its label starts with `SYNTHETIC`, so nobody mistakes it for market data.
public final class SyntheticFeed: MarketDataFeed {
    public let isSynthetic = true
    public let label: String
    private let market: SyntheticMarket
    private let steps: Int
    private let pacingNanoseconds: Int64?
    private let logger: Logger

    /// - Parameters:
    ///   - steps: how many steps to produce (each advances event time by the market's step).
    ///   - pacingNanoseconds: wall-time pause per step; nil for as fast as possible.
    public init(market: SyntheticMarket, steps: Int, pacingNanoseconds: Int64? = nil,
                logger: Logger = Logger(label: "synthetic-feed")) {
        self.market = market
        self.steps = steps
        self.pacingNanoseconds = pacingNanoseconds
        self.logger = logger
        self.label = "SYNTHETIC(seed \(market.seed))"
    }

    /// All frames the feed would produce, in order (for benchmarks and recordings).
    public func frames() -> [ReceivedFrame] {
        var market = self.market
        var frames: [ReceivedFrame] = []
        for _ in 0..<steps { frames.append(contentsOf: market.nextFrames()) }
        return frames
    }

    public func events() -> AsyncStream<FeedEvent> {
        logger.notice("SYNTHETIC market data: a seeded random walk, not real prices", metadata: ["feed": "\(label)"])
        let market = self.market
        let steps = self.steps
        let pacing = self.pacingNanoseconds
        return AsyncStream { continuation in
            let task = Task {
                var market = market
                var decoder = FrameDecoder()
                for _ in 0..<steps {
                    if Task.isCancelled { break }
                    for frame in market.nextFrames() { decoder.decode(frame) { continuation.yield($0) } }
                    if let pacing { try? await Task.sleep(for: .nanoseconds(pacing)) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
