import DataQuality
import Execution
import Ledger
import Logging
import MarketData
import Portfolio
import Risk
@_spi(Host) import StrategyKit
import TradingCore

/// The single owner of trading state. For each market event, synchronously and in arrival
/// order: quality check -> book/market state -> paper venue -> marks -> each subscribed strategy
/// -> each order command through the risk engine -> the venue -> fills into the ledger and
/// back to the strategy. Venue reports and strategy commands go through one work queue,
/// processed to completion in order before the next event (see ``processWork()``). Positions
/// and open orders have one owner, the ``TradingLedger``: strategies' contexts and the risk
/// engine read it and keep no copy. Nothing here waits for I/O: what must be persisted collects in
/// ``outbox`` and the host hands it to the writers. Live paper trading and replay run this same
/// code; only the feed and the clock differ (`now` is receive time live, event time in replay),
/// which is what makes a replay deterministic.
public final class TradingEngine {
    public struct Options: Sendable {
        public var mode: TradingMode
        /// Keep trades and candles for the market-data tables.
        public var persistMarketData: Bool
        /// How often (event time) positions are revalued into the outbox and equity is sampled.
        public var markIntervalNanoseconds: Int64
        /// How long one strategy callback may run before it is reported.
        public var callbackBudget: Duration

        /// Makes client and venue order ids unique per run (the trades table keys on them), while
        /// everything else about a replay stays identical from run to run.
        public var runTag: String

        public init(mode: TradingMode, runTag: String = "", persistMarketData: Bool = true,
                    markIntervalNanoseconds: Int64 = 1_000_000_000, callbackBudget: Duration = .milliseconds(1)) {
            self.mode = mode
            self.runTag = runTag
            self.persistMarketData = persistMarketData
            self.markIntervalNanoseconds = markIntervalNanoseconds
            self.callbackBudget = callbackBudget
        }
    }

    public let options: Options
    public let quality: QualityControl
    public let risk: RiskEngine
    /// Where orders go: the paper venue, or an exchange's (driven only through the protocol).
    public let venue: any ExecutionVenue
    /// Positions (the portfolio's) and open orders (the order book of record).
    public let ledger: TradingLedger
    /// The ledger's portfolio, kept at hand: read at every event, through the ledger it was
    /// retained and released each time.
    public let portfolio: Portfolio
    let logger: Logger

    // State touched on every event skips Swift's dynamic exclusivity checks (they were about a
    // tenth of the replay's time): one event loop owns the engine, and no method holds an access
    // to one of these properties across a call that could reach it again (the work queue is
    // read by index, one element at a time).
    @exclusivity(unchecked) var codec = OKXCodec()
    /// Where the codec hands the events of ``handle(frame:receivedAt:)``.
    private lazy var frameReceiver = FrameReceiver(engine: self)
    let instrumentTable: [InstrumentId: Instrument]
    @exclusivity(unchecked) var markets = MarketTable()
    @exclusivity(unchecked) var runners: [StrategyRunner] = []
    /// ``runners`` again, for ``withRunner(_:_:)``.
    @exclusivity(unchecked) private var uncountedRunners: [Unmanaged<StrategyRunner>] = []
    /// The callback in progress, for a watchdog on another thread (``HostWatchdog``).
    public let callbackWatch = CallbackWatch()
    /// The strategies by runner slot (name order), as ``callbackWatch`` reports them.
    public var strategiesBySlot: [StrategyName] { runners.map(\.name) }
    @exclusivity(unchecked) var handles: [RiskEngine.StrategyHandle] = []
    /// Each runner's handle in the portfolio, for its equity at every mark.
    @exclusivity(unchecked) var equityHandles: [Portfolio.StrategyHandle] = []
    @exclusivity(unchecked) var masks: [ChannelMask] = []
    /// The runners of strategies with bars: every event's time may complete one of their bars.
    @exclusivity(unchecked) var barRunners: [Int] = []
    var runnerIndex: [StrategyName: Int] = [:]
    @exclusivity(unchecked) var performance: DailyPerformanceTracker
    /// Where the venue reports, moved into ``work`` after each venue call.
    @exclusivity(unchecked) var venueEvents: [VenueEvent] = []
    /// The work queue: venue reports and strategy commands, in the order they arose.
    @exclusivity(unchecked) var work: [EngineWork] = []
    @exclusivity(unchecked) var workHead = 0
    @exclusivity(unchecked) var processingWork = false
    /// Commands each strategy (by runner index) issued in the current pass of the work queue.
    var commandsThisInput: [Int: Int] = [:]
    /// Checks, after every input, that strategies, risk, venue and portfolio agree (tests and
    /// `runtime replay --check-invariants`); nil to skip.
    public var invariantChecker: InvariantChecker? {
        didSet { invariantChecker?.start(from: portfolio) }
    }
    /// What the checker found, oldest first.
    public private(set) var invariantViolations: [InvariantViolation] = []
    /// How many inputs (market events, starts, stops, operator commands) the engine processed.
    public private(set) var inputCount = 0
    /// How much of ``outbox`` the checker has seen.
    private var outboxObserved = 0
    @exclusivity(unchecked) var lastMarkTime = Timestamp.zero
    /// Buffers of ``topOfBook(from:)``.
    @exclusivity(unchecked) var topOfBookBids: [BookLevel] = []
    @exclusivity(unchecked) var topOfBookAsks: [BookLevel] = []
    /// What the venue reported besides order events, its halts carried out, until the host takes it.
    var venueNotices: [VenueNotice] = []
    /// Requests the feed should act on: instruments whose book needs a fresh snapshot.
    public private(set) var resubscribeRequests: [InstrumentId] = []

    /// What passed through, for the replay summary and metrics.
    public var summary: EngineSummary {
        var summary = counts
        for index in runners.indices { summary.strategies[runners[index].name] = strategyFigures[index] }
        for (outcome, count) in zip(VenueOutcome.allCases, outcomeCounts) where count > 0 { summary.venueOutcomes[outcome] = count }
        return summary
    }
    /// The summary's counts but for those kept by index below: an order's events would otherwise
    /// hash a strategy name or an outcome into the summary's dictionaries several times.
    @exclusivity(unchecked) var counts = EngineSummary()
    /// Each strategy's figures, by runner index.
    @exclusivity(unchecked) var strategyFigures: [EngineSummary.StrategyFigures] = []
    /// How many orders ended in each ``VenueOutcome``, by its position in `allCases`.
    @exclusivity(unchecked) var outcomeCounts = [Int](repeating: 0, count: VenueOutcome.allCases.count)
    /// Records to persist, oldest first; the host drains it with ``drainOutbox()``.
    @exclusivity(unchecked) public internal(set) var outbox: [EngineRecord] = []
    /// Which records the engine writes into ``outbox``: by default, all of them. A replay keeps
    /// only what its writers, its report or its invariant checker read (``ReplaySession``): in a
    /// candles backtest, records nobody read were a twentieth of the time and the daily rollups a
    /// tenth. Everything the engine decides (orders, risk, the summary) is the
    /// same whatever it keeps; records not kept are not made later. The daily rollups, turned on
    /// again, start over from the next UTC date: a date partly played without them would roll up
    /// wrong.
    @exclusivity(unchecked) public var keptRecords = EngineRecord.Kinds.all {
        didSet { restartRollupsIfResumed(wereOn: oldValue.contains(.dailyRollups)) }
    }
    /// Event time from which trades and equity samples go into the daily rollups.
    @exclusivity(unchecked) var rollupsStart = Timestamp.zero
    /// Whether trades and equity samples go into the daily rollups now.
    var rollsUp: Bool { keptRecords.contains(.dailyRollups) && clock >= rollupsStart }

    private func restartRollupsIfResumed(wereOn: Bool) {
        guard keptRecords.contains(.dailyRollups), !wereOn else { return }
        performance = DailyPerformanceTracker(mode: options.mode)
        rollupsStart = UTCDate(containing: clock).end
    }
    /// The engine clock: the latest `now` it was given.
    @exclusivity(unchecked) public private(set) var clock = Timestamp.zero

    /// Builds the engine on a paper venue with this configuration (see the designated initializer).
    public convenience init(strategies: [EngineStrategy], instruments: [Instrument], quality: QualityConfiguration,
                            accountLimits: AccountRiskLimits, venue venueConfiguration: PaperVenueConfiguration,
                            portfolio portfolioConfiguration: PortfolioConfiguration = PortfolioConfiguration(),
                            restoredPositions: [PositionRecord] = [], options: Options, logger: Logger) throws {
        try self.init(strategies: strategies, instruments: instruments, quality: quality, accountLimits: accountLimits,
                      venue: PaperVenue(instruments: instruments, configuration: venueConfiguration, mode: options.mode),
                      portfolio: portfolioConfiguration, restoredPositions: restoredPositions, options: options, logger: logger)
    }

    /// Builds the engine and creates each strategy through its plugin registration. `venue` runs
    /// in the engine's mode and is the engine's alone from here on.
    /// - Throws: a strategy's parameter or initialisation error, naming the strategy.
    public init(strategies: [EngineStrategy], instruments: [Instrument], quality: QualityConfiguration,
                accountLimits: AccountRiskLimits, venue: any ExecutionVenue,
                portfolio portfolioConfiguration: PortfolioConfiguration = PortfolioConfiguration(),
                restoredPositions: [PositionRecord] = [], options: Options, logger: Logger) throws {
        precondition(venue.mode == options.mode, "the venue trades in \(venue.mode), the engine in \(options.mode)")
        self.options = options
        self.logger = logger
        self.quality = QualityControl(configuration: quality)
        self.venue = venue
        let capital = Dictionary(strategies.map { ($0.name, $0.allocatedCapital) }, uniquingKeysWith: { first, _ in first })
        self.ledger = TradingLedger(portfolio: try Portfolio(restoring: restoredPositions, instruments: instruments,
                                                             allocatedCapital: capital, configuration: portfolioConfiguration,
                                                             mode: options.mode))
        self.portfolio = ledger.portfolio
        self.risk = RiskEngine(account: accountLimits, ledger: ledger)
        self.performance = DailyPerformanceTracker(mode: options.mode)
        self.instrumentTable = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for instrument in instruments { _ = markets.slot(for: instrument.id) }

        // Strategies run in name order so that replays are deterministic whatever the input order.
        for strategy in strategies.sorted(by: { $0.name < $1.name }) {
            let strategyLogger = Self.strategyLogger(logger, name: strategy.name)
            let context = StrategyContext(name: strategy.name, instruments: strategy.instruments,
                                          allocatedCapital: strategy.allocatedCapital, mode: options.mode,
                                          parameters: strategy.parameters,
                                          clientOrderIdPrefix: Self.clientOrderIdPrefix(strategy.name, runTag: options.runTag),
                                          ledger: ledger.view(for: strategy.name), logger: strategyLogger)
            let runner: StrategyRunner
            do {
                runner = try StrategyRunner(registration: strategy.registration, context: context,
                                            callbackBudget: options.callbackBudget, bars: strategy.makeBarAggregator())
            } catch {
                throw EngineError.strategyCreationFailed(strategy.name, reason: String(describing: error))
            }
            let index = runners.count
            runner.watch = callbackWatch
            runner.watchSlot = index
            runners.append(runner)
            uncountedRunners.append(Unmanaged.passUnretained(runner))
            runnerIndex[strategy.name] = index
            masks.append(ChannelMask(strategy.channels, bars: strategy.bars))
            if strategy.bars != nil { barRunners.append(index) }
            equityHandles.append(ledger.portfolio.handle(of: strategy.name))
            handles.append(risk.register(strategy: strategy.name, instruments: strategy.instruments,
                                         limits: strategy.riskLimits, restoring: strategy.restoredRisk))
            for instrument in strategy.instruments { markets.subscribe(index, to: instrument.id) }
            strategyFigures.append(EngineSummary.StrategyFigures())
        }
    }

    /// The strategies' names, in dispatch order.
    public var strategyNames: [StrategyName] { runners.map(\.name) }

    /// A strategy's context: what the strategy reads of positions and orders.
    public func context(of name: StrategyName) -> StrategyContext? { runnerIndex[name].map { runners[$0].context } }

    /// A strategy's runner: its instance, its state (halted after a throw) and its order observer.
    public func runner(of name: StrategyName) -> StrategyRunner? { runnerIndex[name].map { runners[$0] } }

    /// Starts every strategy whose persisted state lets it trade (a halted one stays silent).
    public func start(at time: Timestamp) {
        inputCount += 1
        advanceClock(to: time)
        for index in runners.indices {
            finishCallback(runners[index].start(at: time), strategy: index)
        }
        drainRisk()
        checkInvariants()
    }

    /// Stops every strategy, rolls up the partial day and leaves everything in the outbox.
    public func stop(at time: Timestamp) {
        inputCount += 1
        advanceClock(to: time)
        for index in runners.indices {
            finishCallback(runners[index].stop(at: clock), strategy: index)
        }
        // Let the cancels strategies sent on stop arrive at the venue (they travel its latency).
        venue.advance(to: clock.advanced(byNanoseconds: venue.requestLatencyNanoseconds), events: &venueEvents)
        processVenueEvents()
        appendMarks()
        keepRollups(performance.partialDay(until: clock))
        drainRisk()
        appendQualityMetrics()
        // Only what a strategy trades: the fill model of an instrument nobody trades explains nothing.
        for (instrument, model) in venue.fillModels {
            guard let slot = markets.existingSlot(of: instrument), markets.subscriberCount(of: slot) > 0 else { continue }
            counts.instruments[instrument, default: .init()].fillModel = model
        }
        counts.openOrdersAtStop = venue.openOrders.count
        checkInvariants()
    }

    /// Moves event time to `time` with no market event, as a quiet market lets time pass:
    /// requests in flight reach the venue (and fill or rest there), and marks, risk windows and
    /// day rollovers catch up. Never moves the clock back. StrategyKitTesting's clock drives it.
    public func advance(to time: Timestamp) {
        inputCount += 1
        advanceClock(to: time)
        venue.advance(to: clock, events: &venueEvents)
        processVenueEvents()
        endEvent()
    }

    // MARK: Frames and events

    /// Decodes one raw OKX frame and processes what it carries. `receivedAt` is the feed clock
    /// (receive time live); in replay the event time is the clock.
    public func handle(frame bytes: UnsafeBufferPointer<UInt8>, receivedAt: Timestamp) {
        counts.frames += 1
        frameReceiver.receivedAt = receivedAt
        do {
            switch try codec.decode(bytes, deliveringTo: frameReceiver) {
            case .marketEvents: break
            case .control: counts.controlMessages += 1
            case .unsupportedChannel: counts.unsupportedFrames += 1
            }
        } catch {
            counts.decodeErrors += 1
            logger.warning("dropping undecodable frame", metadata: ["error": "\(error)"])
        }
    }

    /// Processes frames decoded ahead (``DecodingFrameReader``), as handing each of them to
    /// ``handle(frame:receivedAt:)`` would. With an invariant checker, stops after the first
    /// event that breaks an invariant.
    public func handle(_ frames: DecodedFrames) {
        counts.frames += frames.frameCount
        counts.controlMessages += frames.controlFrames
        counts.unsupportedFrames += frames.unsupportedFrames
        for error in frames.failures {
            counts.decodeErrors += 1
            logger.warning("dropping undecodable frame", metadata: ["error": "\(error)"])
        }
        for position in frames.order.indices {
            let entry = frames.order[position]
            let receivedAt = frames.receivedAt[position]
            switch entry.kind {
            case .trade: handle(trade: frames.trades[entry.index], receivedAt: receivedAt)
            case .ticker: handle(ticker: frames.tickers[entry.index], receivedAt: receivedAt)
            case .candle: handle(candle: frames.candles[entry.index], receivedAt: receivedAt)
            case .book: handle(book: frames.books[entry.index], receivedAt: receivedAt)
            }
            if invariantChecker != nil, !invariantViolations.isEmpty { return }
        }
    }

    /// Processes one market event.
    ///
    /// Each kind takes its own path from here on: a `MarketEvent` is a large enum, and every
    /// `switch` over a borrowed one copies all of it first, so it is opened once, here.
    public func handle(_ event: MarketEvent, receivedAt: Timestamp) {
        switch event {
        case .trade(let trade): handle(trade: trade, receivedAt: receivedAt)
        case .ticker(let ticker): handle(ticker: ticker, receivedAt: receivedAt)
        case .candle(let candle): handle(candle: candle, receivedAt: receivedAt)
        case .book(let update): handle(book: update, receivedAt: receivedAt)
        }
    }

    fileprivate func handle(trade: TradeTick, receivedAt: Timestamp) {
        counts.trades += 1
        let now = beginEvent(at: trade.timestamp, receivedAt: receivedAt)
        guard admit(quality.check(trade: trade, now: now)) else { return }
        let slot = markets.slot(for: trade.instrument)
        markets[slot].lastDataTime = trade.timestamp
        markets[slot].lastTradePrice = trade.price
        if options.persistMarketData { keep(.tick(trade)) }
        if options.mode == .replay {
            venue.handle(trade: trade, events: &venueEvents)
        } else {
            // Live, orders reach the venue on the engine's clock (receive time), so the venue takes
            // a trade as of when it was received: its exchange stamp is on another clock, and a
            // recording served live carries stamps from long ago.
            var received = trade
            received.timestamp = now
            venue.handle(trade: received, events: &venueEvents)
        }
        processVenueEvents()
        markPortfolio(slot, trade.instrument)
        if !barRunners.isEmpty { advanceBars(to: trade.timestamp) }
        for position in 0..<markets.subscriberCount(of: slot) {
            let index = markets.subscriber(position, of: slot)
            if masks[index].barSource == .trades, withRunner(index, { $0.aggregate(trade: trade) }) { deliverBars(of: index, at: trade.timestamp) }
            if masks[index].trades { finishCallback(withRunner(index) { $0.deliver(trade: trade) }, strategy: index) }
        }
        endEvent()
    }

    fileprivate func handle(ticker: Ticker, receivedAt: Timestamp) {
        counts.tickers += 1
        let now = beginEvent(at: ticker.timestamp, receivedAt: receivedAt)
        guard admit(quality.check(ticker: ticker, now: now)) else { return }
        let slot = markets.slot(for: ticker.instrument)
        markets[slot].lastDataTime = ticker.timestamp
        markets[slot].tickerBid = ticker.bidPrice
        markets[slot].tickerAsk = ticker.askPrice
        if markets[slot].hasBookFeed {
            venue.advance(to: ticker.timestamp, events: &venueEvents)
        } else {
            venue.handle(book: topOfBook(from: ticker), events: &venueEvents)
        }
        processVenueEvents()
        markPortfolio(slot, ticker.instrument)
        if !barRunners.isEmpty { advanceBars(to: ticker.timestamp) }
        for position in 0..<markets.subscriberCount(of: slot) {
            let index = markets.subscriber(position, of: slot)
            if masks[index].barSource == .ticker, withRunner(index, { $0.aggregate(ticker: ticker) }) { deliverBars(of: index, at: ticker.timestamp) }
            if masks[index].tickers { finishCallback(withRunner(index) { $0.deliver(ticker: ticker) }, strategy: index) }
        }
        endEvent()
    }

    fileprivate func handle(candle: Candle, receivedAt: Timestamp) {
        counts.candles += 1
        let now = beginEvent(at: candle.openTime, receivedAt: receivedAt)
        guard admit(quality.check(candle: candle, now: now)) else { return }
        let slot = markets.slot(for: candle.instrument)
        markets[slot].lastDataTime = candle.openTime
        if options.persistMarketData, candle.isConfirmed != false { keep(.candle(candle)) }
        // Without a book or trades, confirmed candles are the instrument's only prices: the mark,
        // the risk engine's reference and (in the venue) the bar execution's price path.
        let confirmed = candle.isConfirmed != false
        if confirmed { markets[slot].lastCandleClose = candle.close }
        let candlePriced = confirmed && !markets[slot].hasBookFeed && markets[slot].lastTradePrice == nil
            && markets[slot].tickerBid == nil && markets[slot].tickerAsk == nil
        if options.mode == .replay {
            venue.handle(candle: candle, events: &venueEvents)
        } else {
            // Live, as with trades: the venue runs on receive time, and a confirmed bar arrives a
            // whole interval after its open time; its path is played as of its arrival.
            var received = candle
            received.openTime = now
            venue.handle(candle: received, events: &venueEvents)
        }
        processVenueEvents()
        if candlePriced { markPortfolio(slot, candle.instrument) }
        if !barRunners.isEmpty { advanceBars(to: candle.openTime) }
        for position in 0..<markets.subscriberCount(of: slot) {
            let index = markets.subscriber(position, of: slot)
            if masks[index].barSource == .candles, withRunner(index, { $0.aggregate(candle: candle) }) { deliverBars(of: index, at: candle.openTime) }
            if masks[index].wantsCandles(of: candle.interval) {
                finishCallback(withRunner(index) { $0.deliver(candle: candle) }, strategy: index)
            }
        }
        endEvent()
    }

    fileprivate func handle(book update: BookUpdate, receivedAt: Timestamp) {
        counts.books += 1
        let now = beginEvent(at: update.timestamp, receivedAt: receivedAt)
        guard admit(quality.check(book: update, now: now)) else { return }
        let instrument = update.instrument
        // The market is mutated in place in its slot (see MarketTable).
        let slot = markets.slot(for: instrument)
        markets[slot].lastDataTime = update.timestamp
        markets[slot].hasBookFeed = true
        var bookChanged = false
        switch markets[slot].book.apply(update, now: now) {
        case .applied:
            bookChanged = true
        case .heartbeat:
            break
        case .dropped(let resubscribe):
            if resubscribe { resubscribeRequests.append(instrument) }
        case .invalidated(_, let resubscribe):
            counts.bookIncidents += 1
            if resubscribe { resubscribeRequests.append(instrument) }
            quality.noteDiscontinuity(instrument: instrument)
        }
        // The venue sees the market before strategies react, as an exchange would.
        if bookChanged {
            venue.handle(book: update, events: &venueEvents)
        } else {
            venue.advance(to: clock, events: &venueEvents)
        }
        processVenueEvents()
        markPortfolio(slot, instrument)
        if !barRunners.isEmpty { advanceBars(to: update.timestamp) }
        if bookChanged {
            for position in 0..<markets.subscriberCount(of: slot) {
                let index = markets.subscriber(position, of: slot)
                guard masks[index].books else { continue }
                finishCallback(withRunner(index) { $0.deliverBook(markets[slot].book.book) }, strategy: index)
            }
        }
        endEvent()
    }

    /// Moves the clock for an event of exchange time `timestamp` and returns the quality clock:
    /// receive time live, event time (never backwards) in replay.
    private func beginEvent(at timestamp: Timestamp, receivedAt: Timestamp) -> Timestamp {
        inputCount += 1
        if timestamp > counts.lastEventTime { counts.lastEventTime = timestamp }
        if timestamp < counts.firstEventTime || counts.firstEventTime == .zero { counts.firstEventTime = timestamp }
        let now = options.mode == .replay ? max(timestamp, clock) : receivedAt
        advanceClock(to: now)
        return now
    }

    /// Counts the verdict, forwards quality alerts to risk, and says whether the event goes on.
    private func admit(_ verdict: QualityVerdict) -> Bool {
        counts.count(verdict)
        if quality.hasPendingAlerts { forwardQualityAlerts() }
        return verdict.isAccepted
    }

    /// Revalues the portfolio's positions in the instrument at its mark price, which it returns.
    @discardableResult
    private func markPortfolio(_ slot: Int, _ instrument: InstrumentId) -> Price? {
        let markPrice = markets[slot].markPrice
        if let markPrice { portfolio.mark(instrument, price: markPrice, at: clock) }
        return markPrice
    }

    private func endEvent() {
        if clock.nanoseconds(since: lastMarkTime) >= options.markIntervalNanoseconds { appendMarks() }
        if risk.pendingOutputCount > 0 { drainRisk() }
        if invariantChecker != nil { checkInvariants() }
    }

    /// Runs the invariant checker (if any) over the state after the input just processed.
    private func checkInvariants() {
        guard let checker = invariantChecker else { return }
        checker.observe(outbox[outboxObserved...])
        outboxObserved = outbox.count
        if let violation = checker.check(self, input: inputCount) { invariantViolations.append(violation) }
    }

    /// Hands over the records to persist and empties the outbox.
    public func drainOutbox() -> [EngineRecord] {
        defer {
            outbox.removeAll(keepingCapacity: true)
            outboxObserved = 0
        }
        return outbox
    }

    /// Forgets the resubscribe requests once the feed has acted on them.
    public func takeResubscribeRequests() -> [InstrumentId] {
        defer { resubscribeRequests.removeAll() }
        return resubscribeRequests
    }

    /// The feed reconnected or lost data: quality references and books must not be trusted blindly.
    public func noteFeedDiscontinuity() {
        for slot in markets.sortedSlots { quality.noteDiscontinuity(instrument: markets.ids[slot]) }
    }

    // MARK: Internals

    /// Moves every strategy's bars to event time `time` and delivers the bars that completed
    /// (an event of any instrument completes the bars ending at or before its time).
    private func advanceBars(to time: Timestamp) {
        for position in barRunners.indices {
            let index = barRunners[position]
            if withRunner(index, { $0.advanceBars(to: time) }) { deliverBars(of: index, at: time) }
        }
    }

    /// Delivers a strategy's completed bars, one callback (and its orders' processing) at a time.
    private func deliverBars(of index: Int, at time: Timestamp) {
        while let result = withRunner(index, { $0.deliverCompletedBar(at: time) }) { finishCallback(result, strategy: index) }
    }

    /// Runs `body` on the runner at `index` without retaining it. Every event reaches a runner
    /// several times, and a runner read from ``runners`` for a call is retained and released
    /// around it: two atomic operations, each a few percent of a candle's whole cost. ``runners``
    /// owns the runners, and holds every one for the engine's lifetime.
    @inline(__always)
    func withRunner<Result>(_ index: Int, _ body: (StrategyRunner) -> Result) -> Result {
        uncountedRunners[index]._withUnsafeGuaranteedRef(body)
    }

    /// Adds `record` to ``outbox`` if records of its `kind` are kept; otherwise it is not even built.
    @inline(__always)
    func keep(_ record: @autoclosure () -> EngineRecord, kind: EngineRecord.Kinds = .trading) {
        if keptRecords.contains(kind) { outbox.append(record()) }
    }

    /// Feeds the daily rollups through `rollUp` (a call into ``performance``) and keeps the rows
    /// it rolls up, only while trades and samples go into the rollups (``rollsUp``).
    @inline(__always)
    func keepRollups(_ rollUp: @autoclosure () -> [DailyPerformance]) {
        guard rollsUp else { return }
        for row in rollUp() { outbox.append(.performance(row)) }
    }

    func advanceClock(to time: Timestamp) {
        if time > clock { clock = time }
        keepRollups(performance.advance(to: clock))
    }

    func handle(_ result: CallbackResult, strategy index: Int) {
        switch result {
        case .completed, .skipped:
            break
        case .completedOverBudget(let overrun):
            counts.budgetOverruns += 1
            // Logged at a strategy's 1st, 10th, 100th, ... overrun: on a loaded machine every
            // callback runs late, and a line per event would flood the log (a host whose output
            // nobody drains then blocks on it). The count is in the summary and the metrics.
            let overruns = runners[index].budgetOverrunCount
            if Self.isPowerOfTen(overruns) {
                logger.warning("strategy callback over budget", metadata: ["detail": "\(overrun)", "overruns_so_far": "\(overruns)"])
            }
        case .halted(let fault):
            counts.strategyFaults += 1
            logger.error("strategy halted after throwing", metadata: ["detail": "\(fault)"])
            risk.strategyDidThrow(fault.strategy, error: fault.message, at: clock)
            drainRisk()
        }
    }

    static func isPowerOfTen(_ value: Int) -> Bool {
        var value = value
        while value >= 10 && value % 10 == 0 { value /= 10 }
        return value == 1
    }

    func drainRisk() {
        for output in risk.drainOutputs(at: clock) {
            keep(.risk(output))
            // A halted or stopped strategy keeps receiving market data (so it can be resumed
            // with a current view) but its resting orders are canceled; the risk engine refuses
            // anything new. Only a strategy that threw is cut off entirely (by its runner).
            if case .transition(let transition) = output, transition.to == .halted || transition.to == .stopped,
               let index = runnerIndex[transition.strategy] {
                cancelOpenOrders(of: index)
            }
        }
    }

    func appendMarks() {
        lastMarkTime = clock
        venue.forgetCompletedOrders()
        if keptRecords.contains(.positionMarks) {
            portfolio.drainDirtyRecords { outbox.append(.positionMark($0)) }
        } else {
            portfolio.discardDirtyRecords()
        }
        for index in runners.indices {
            let sample = portfolio.equitySample(of: equityHandles[index], at: clock)
            keep(.equity(sample), kind: .equity)
            keepRollups(performance.record(sample))
            risk.recordEquity(sample.equity, strategy: handles[index], at: clock)
        }
        for position in markets.sortedSlots.indices {
            let slot = markets.sortedSlots[position]
            if let mark = markets[slot].markPrice { risk.markToMarket(instrument: markets.ids[slot], price: mark) }
        }
    }

    func appendQualityMetrics() {
        for metric in quality.drainMetrics(at: clock) { keep(.qualityMetric(metric)) }
    }

    /// Writes this period's data-quality counters into the outbox (the host calls it every few seconds).
    public func recordQualityMetrics() { appendQualityMetrics() }

    func forwardQualityAlerts() {
        for alert in quality.drainAlerts() {
            risk.dataQualityAlert(instrument: alert.instrument, severity: .warning, description: alert.description,
                                  at: alert.raisedAt)
        }
        drainRisk()
    }

    /// Up to 12 letters and digits of the strategy name, then the run tag (OKX allows 32 in all,
    /// and the context appends a 12-digit counter).
    static func clientOrderIdPrefix(_ name: StrategyName, runTag: String) -> String {
        let letters = name.rawValue.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return String(letters.prefix(12)) + String(runTag.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(8))
    }

    /// A frame the feed could not decode (counted; the feed already logged it).
    public func noteDecodeFailure() { counts.decodeErrors += 1 }

    /// The ticker's best bid and ask as a one-level book snapshot for the venue. The level arrays
    /// are the engine's, reused: the venue copies levels into its own book, so once the update is
    /// gone they are unique again and refilling them does not allocate.
    func topOfBook(from ticker: Ticker) -> BookUpdate {
        topOfBookBids.removeAll(keepingCapacity: true)
        topOfBookAsks.removeAll(keepingCapacity: true)
        if let price = ticker.bidPrice, let size = ticker.bidSize { topOfBookBids.append(BookLevel(price: price, size: size, orderCount: 1)) }
        if let price = ticker.askPrice, let size = ticker.askSize { topOfBookAsks.append(BookLevel(price: price, size: size, orderCount: 1)) }
        return BookUpdate(instrument: ticker.instrument, channel: .bboTbt, action: .snapshot, bids: topOfBookBids,
                          asks: topOfBookAsks, timestamp: ticker.timestamp)
    }

    static func strategyLogger(_ logger: Logger, name: StrategyName) -> StrategyLogger {
        var logger = logger
        logger[metadataKey: "strategy"] = "\(name)"
        let captured = logger
        // The strategy drops what the host's logger would drop before building the message: a
        // replay logging at error level then pays nothing for a strategy's info lines.
        return StrategyLogger(minimumLevel: strategyLevel(of: logger.logLevel)) { level, message in
            switch level {
            case .debug: captured.debug("\(message)")
            case .info: captured.info("\(message)")
            case .notice: captured.notice("\(message)")
            case .warning: captured.warning("\(message)")
            case .error: captured.error("\(message)")
            }
        }
    }
}

/// The least important strategy level the host's logger at `level` keeps.
private func strategyLevel(of level: Logger.Level) -> StrategyLogLevel {
    switch level {
    case .trace, .debug: .debug
    case .info: .info
    case .notice: .notice
    case .warning: .warning
    case .error, .critical: .error
    }
}

/// Why the engine could not be built.
public enum EngineError: Error, CustomStringConvertible {
    case strategyCreationFailed(StrategyName, reason: String)

    public var description: String {
        switch self {
        case .strategyCreationFailed(let name, let reason): "strategy \(name) could not be created: \(reason)"
        }
    }
}

extension TradingEngine {
    /// Takes over a state an operator already wrote (and audited) in the database: nothing is
    /// recorded again; a halted or stopped strategy's resting orders are canceled.
    public func adoptOperatorState(_ state: StrategyTradingState, for name: StrategyName) {
        risk.adoptPersistedState(state, for: name)
        if state == .halted || state == .stopped || state == .paused, let index = runnerIndex[name] {
            cancelOpenOrders(of: index)
        }
    }
}

/// Takes the events the codec decodes from a frame straight into the engine's per-kind paths.
private final class FrameReceiver: MarketEventReceiver {
    // The engine owns this object and outlives it.
    unowned(unsafe) let engine: TradingEngine
    var receivedAt = Timestamp.zero

    init(engine: TradingEngine) { self.engine = engine }

    func receive(trade: TradeTick) { engine.handle(trade: trade, receivedAt: receivedAt) }
    func receive(ticker: Ticker) { engine.handle(ticker: ticker, receivedAt: receivedAt) }
    func receive(candle: Candle) { engine.handle(candle: candle, receivedAt: receivedAt) }
    func receive(book: BookUpdate) { engine.handle(book: book, receivedAt: receivedAt) }
}
