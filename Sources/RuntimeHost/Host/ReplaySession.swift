import Logging
import MarketData
import TradingCore

/// How fast a replay runs: as fast as possible, or N times event time.
public enum ReplaySpeed: Sendable, Hashable, CustomStringConvertible {
    case max
    case multiple(Double)

    /// Parses `max`, `1x`, `10x`, `0.5x`.
    public init?(_ text: String) {
        if text == "max" { self = .max; return }
        guard text.hasSuffix("x"), let factor = Double(text.dropLast()), factor > 0, factor.isFinite else { return nil }
        self = .multiple(factor)
    }

    /// The replay feed's speed argument: nil for as fast as possible.
    public var feedSpeed: Double? {
        if case .multiple(let factor) = self { return factor }
        return nil
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .multiple(let factor): "\(factor)x"
        }
    }
}

/// Drives the engine from a recording on event time: the same code as live paper trading,
/// with the replay's clock. Persistence (when given) happens off the engine's path, in batches.
public enum ReplaySession {
    /// Plays every event of `feed` through `engine`, then stops the strategies (writing the
    /// partial-day rollup) and flushes the writers. Returns what passed through.
    @discardableResult
    public static func run(feed: some MarketDataFeed, engine: TradingEngine, persistence: PersistencePipeline?,
                           drainEvery: Int = 1024, logger: Logger) async -> EngineSummary {
        var started = false
        var sinceDrain = 0
        for await event in feed.events() {
            switch event {
            case .market(let marketEvent, let receivedAt):
                if !started {
                    engine.start(at: marketEvent.timestamp)
                    started = true
                }
                engine.handle(marketEvent, receivedAt: receivedAt)
                sinceDrain += 1
            case .decodeFailure(let error, _):
                engine.noteDecodeFailure()
                logger.debug("undecodable frame in replay", metadata: ["error": "\(error)"])
            case .connection, .exchangeMessage:
                break
            }
            if sinceDrain >= drainEvery {
                sinceDrain = 0
                await drain(engine, into: persistence)
            }
        }
        engine.stop(at: engine.clock)
        await drain(engine, into: persistence)
        await persistence?.flush()
        return engine.summary
    }

    static func drain(_ engine: TradingEngine, into persistence: PersistencePipeline?) async {
        let records = engine.drainOutbox()
        guard let persistence, !records.isEmpty else { return }
        await persistence.submit(records)
    }
}
