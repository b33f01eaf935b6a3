import Logging
import MarketData
import Storage
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
                           collector: ReplayCollector? = nil, drainEvery: Int = 1024, logger: Logger) async -> EngineSummary {
        let restoreRecording = recordOnlyWhatIsRead(engine, persistence, collector)
        defer { restoreRecording() }
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
                await drain(engine, into: persistence, collector: collector)
            }
        }
        engine.stop(at: engine.clock)
        await drain(engine, into: persistence, collector: collector)
        await persistence?.flush()
        return engine.summary
    }

    /// Plays recording (or raw-frame) files into the engine, read in chunks (in replay the event
    /// time is the clock). As fast as it can, the files are read and decoded on a thread of their
    /// own (``DecodingFrameReader``), `drainEvery` frames a batch and a few batches ahead, so
    /// memory stays bounded whatever the files' size; with a `speed` multiple, frames are paced
    /// on their receive times and decoded one by one by `engine.handle(frame:receivedAt:)`. Files
    /// are merged as ``RecordedFrameStream`` says. The outbox goes to `collector` (the report's
    /// data) and to `persistence` every `drainEvery` frames; when the market-data queue is over
    /// half full the replay waits for the writer rather than let it drop rows.
    ///
    /// A bad line ends the replay there: the engine is still stopped and everything played is
    /// flushed, then the error (naming the file and line) is thrown. With an invariant checker
    /// on the engine, the first broken invariant ends the replay the same way (read it from
    /// ``TradingEngine/invariantViolations``).
    ///
    /// With `exitOnWedgedCallback` (the `runtime replay` process), a strategy callback that never
    /// returns ends the process with status 3 (``HostWatchdog``); a caller that shares its process
    /// with other work (a test) leaves it off.
    @discardableResult
    public static func run(recordings paths: [String], speed: ReplaySpeed = .max, engine: TradingEngine,
                           persistence: PersistencePipeline?, collector: ReplayCollector? = nil, drainEvery: Int = 1024,
                           chunkSize: Int = RecordedFrameReader.defaultChunkSize, exitOnWedgedCallback: Bool = false,
                           logger: Logger) async throws(RecordingError) -> EngineSummary {
        // Unpaced, a single raw-frame file needs no receive times (the engine runs on event time).
        let stream = try RecordedFrameStream(paths: paths, chunkSize: chunkSize,
                                             rawFrameTiming: speed.feedSpeed == nil ? .inherited : .eventTime)
        return try await run(stream: stream, speed: speed, engine: engine, persistence: persistence, collector: collector,
                             drainEvery: drainEvery, exitOnWedgedCallback: exitOnWedgedCallback, logger: logger)
    }

    /// ``run(recordings:speed:engine:persistence:collector:drainEvery:chunkSize:exitOnWedgedCallback:logger:)`` on an open stream.
    @discardableResult
    public static func run(stream: RecordedFrameStream, speed: ReplaySpeed = .max, engine: TradingEngine,
                           persistence: PersistencePipeline?, collector: ReplayCollector? = nil, drainEvery: Int = 1024,
                           exitOnWedgedCallback: Bool = false,
                           logger: Logger) async throws(RecordingError) -> EngineSummary {
        let pace = speed.feedSpeed
        let drainEvery = max(1, drainEvery)
        let restoreRecording = recordOnlyWhatIsRead(engine, persistence, collector)
        defer { restoreRecording() }
        // A callback that never returns ends the replay with status 3 (a replay changes no status).
        let trading = persistence?.trading
        let watchdog = !exitOnWedgedCallback ? nil : HostWatchdog(
            watch: engine.callbackWatch, strategies: engine.strategiesBySlot, callbackBudget: engine.options.callbackBudget, logger: logger,
            onWedged: { wedge in
                logger.critical("\(wedge); the replay cannot go on and exits with status \(HostWatchdog.wedgedExitStatus)")
                await trading?.flush()
            },
            onStuckShutdown: { await trading?.flush() })
        watchdog?.start()
        defer { watchdog?.stop() }
        var failure: RecordingError?
        var framesBehind: Int
        if let pace {
            failure = await playPaced(stream, pace: pace, engine: engine, persistence: persistence, collector: collector,
                                      drainEvery: drainEvery)
            framesBehind = stream.framesBehind
        } else {
            // Unpaced, the frames are read and decoded on a thread of their own, a few batches
            // ahead: the engine then has its core to itself.
            let reader = DecodingFrameReader(stream: stream, framesPerBatch: drainEvery)
            defer { reader.cancel() }
            var started = false
            do throws(RecordingError) {
                while let frames = try await reader.next() {
                    if Task.isCancelled { break }
                    if !started, let first = frames.firstTimestamp {
                        engine.start(at: first)
                        started = true
                    }
                    engine.handle(frames)
                    if !engine.invariantViolations.isEmpty { break }
                    await drain(engine, into: persistence, collector: collector)
                    await waitForMarketWriter(persistence)
                    // Without persistence nothing above suspends, and a replay would hold its
                    // cooperative thread to the end: other work of the process (the writers, the
                    // other replays of a sweep, other tests) gets a turn once per batch.
                    await Task.yield()
                }
            } catch {
                failure = error
            }
            framesBehind = reader.framesBehind
        }
        engine.stop(at: engine.clock)
        await drain(engine, into: persistence, collector: collector)
        await persistence?.flush()
        if framesBehind > 0 {
            logger.warning("frames out of time order were played as written", metadata: [
                "frames": "\(framesBehind)", "files": "\(stream.paths.joined(separator: ","))",
            ])
        }
        if let failure { throw failure }
        return engine.summary
    }

    /// Plays frames one by one on their receive times, `pace` times faster than recorded; the
    /// error of a bad line is returned, the frames before it played.
    private static func playPaced(_ stream: RecordedFrameStream, pace: Double, engine: TradingEngine, persistence: PersistencePipeline?,
                                  collector: ReplayCollector?, drainEvery: Int) async -> RecordingError? {
        var firstEvent = FirstEventTime()
        var sinceDrain = 0
        var pacer = ReplayPacer(speed: pace)
        do throws(RecordingError) {
            while let frame = try stream.next() {
                let delay = pacer.delay(before: frame.receivedAt)
                if delay > .zero {
                    // Idle anyway: hand over what is waiting so paced rows are not held back.
                    sinceDrain = 0
                    await drain(engine, into: persistence, collector: collector)
                    try? await Task.sleep(for: delay)
                }
                if Task.isCancelled { break }
                if !firstEvent.found, let time = firstEvent.check(frame.bytes) { engine.start(at: time) }
                engine.handle(frame: frame.bytes, receivedAt: frame.receivedAt)
                if !engine.invariantViolations.isEmpty { break }
                sinceDrain += 1
                if sinceDrain >= drainEvery {
                    sinceDrain = 0
                    await drain(engine, into: persistence, collector: collector)
                    await waitForMarketWriter(persistence)
                }
            }
        } catch {
            return error
        }
        return nil
    }

    /// Waits while the market-data writer's queue is over half full: a replay outruns any
    /// database, and the writer drops rows it has no room for.
    public static func waitForMarketWriter(_ persistence: PersistencePipeline?) async {
        guard let persistence else { return }
        let halfCapacity = MarketDataWriter.Configuration().capacity / 2
        while persistence.market.statistics.pending > halfCapacity, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Keeps only the records something reads during the replay (``TradingEngine/keptRecords``):
    /// the writers, the report collector or the invariant checker. The replay drains the outbox
    /// to the end, so nobody else would read the rest. Returns what puts the setting back afterwards.
    private static func recordOnlyWhatIsRead(_ engine: TradingEngine, _ persistence: PersistencePipeline?,
                                             _ collector: ReplayCollector?) -> () -> Void {
        let kept = engine.keptRecords
        var read: EngineRecord.Kinds = []
        if persistence != nil { read.formUnion(PersistencePipeline.recordsRead) }
        if collector != nil { read.formUnion(ReplayCollector.recordsRead) }
        if engine.invariantChecker != nil { read.formUnion(InvariantChecker.recordsRead) }
        engine.keptRecords = kept.intersection(read)
        return { engine.keptRecords = kept }
    }

    static func drain(_ engine: TradingEngine, into persistence: PersistencePipeline?, collector: ReplayCollector? = nil) async {
        let records = engine.drainOutbox()
        collector?.collect(records)
        guard let persistence, !records.isEmpty else { return }
        await persistence.submit(records)
    }
}

/// Finds the replay's start: the time of the first market event, as the event path starts the
/// engine (frames before it, acknowledgements or errors, do not count). Decodes only until found.
/// Public for drivers of their own (StrategyKitTesting starts its engine the same way).
public struct FirstEventTime {
    private var codec = OKXCodec()
    /// Whether the first market event was seen.
    public private(set) var found = false

    /// Nothing seen yet.
    public init() {}

    /// The frame's first market event time, once; nil before (and after) it.
    public mutating func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard !found, let time = (try? codec.decode(bytes))?.marketEvents.first?.timestamp else { return nil }
        found = true
        return time
    }
}
