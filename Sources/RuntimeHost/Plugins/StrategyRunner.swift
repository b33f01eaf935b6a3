#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(Host) import StrategyKit
import TradingCore

/// Which strategy callback ran.
public enum StrategyCallback: String, Sendable, Hashable, CaseIterable {
    case start, stop, ticker, trade, candle, book, bar
    case orderAccepted = "order_accepted"
    case orderRejected = "order_rejected"
    case fill
    case orderCanceled = "order_canceled"

    /// The callback's bit in a runner's set of callbacks the strategy does not implement.
    var bit: UInt16 { 1 << UInt16(ordinal) }
}

/// A strategy callback threw: the strategy is halted (the host records a `strategy_error` risk
/// event and an audit row) while the others keep running.
public struct StrategyFault: Error, Hashable, Sendable, CustomStringConvertible {
    /// The strategy that threw.
    public var strategy: StrategyName
    /// The callback that threw.
    public var callback: StrategyCallback
    /// The error's description.
    public var message: String
    /// The strategy clock when it threw.
    public var at: Timestamp

    /// `strategy <name> threw from <callback> at <time>: <message>`.
    public var description: String { "strategy \(strategy) threw from \(callback.rawValue) at \(at): \(message)" }
}

/// A callback that ran longer than the runner's budget.
public struct CallbackBudgetOverrun: Hashable, Sendable, CustomStringConvertible {
    /// The strategy.
    public var strategy: StrategyName
    /// The slow callback.
    public var callback: StrategyCallback
    /// How long it ran.
    public var elapsed: Duration
    /// The budget it exceeded.
    public var budget: Duration

    /// A sentence for the operator.
    public var description: String {
        "strategy \(strategy): \(callback.rawValue) callback took \(elapsed), over its budget of \(budget)"
    }
}

/// What came of delivering one callback.
public enum CallbackResult: Hashable, Sendable {
    /// It ran within budget.
    case completed
    /// It ran but took longer than the budget (reported to ``StrategyRunner/onBudgetExceeded``).
    case completedOverBudget(CallbackBudgetOverrun)
    /// It threw: the strategy is now halted.
    case halted(StrategyFault)
    /// Nothing ran: the strategy was halted or stopped, or does not implement the callback
    /// (its default threw ``UnusedCallback``; it is not called again).
    case skipped
}

/// Runs one strategy's callbacks for the host event loop, isolating it from the others.
///
/// For each callback it sets the strategy clock, measures the call against ``callbackBudget``
/// and catches anything thrown, halting this strategy alone. It keeps no order or position
/// state: the host records those in its ledger (which the context reads) before calling. After
/// each call the host drains ``context``'s outbox into its work queue. Not thread-safe: one event
/// loop owns it.
public final class StrategyRunner {
    /// Where the strategy is in its life.
    public enum State: Hashable, Sendable {
        /// Created, `start()` not called yet.
        case created
        /// Receiving callbacks.
        case running
        /// A callback threw; no further callbacks.
        case halted(StrategyFault)
        /// `stop()` was delivered.
        case stopped
    }

    /// The strategy instance (from its plugin).
    public let strategy: any Strategy
    /// The strategy's context.
    public let context: StrategyContext
    // Read and written around every callback; the one event loop owning the runner never
    // overlaps two accesses, so they skip Swift's dynamic exclusivity checks.

    /// How long one callback may take before it is reported.
    @exclusivity(unchecked) public var callbackBudget: Duration {
        didSet { budgetNanoseconds = callbackBudget.wholeNanoseconds }
    }
    /// Called for each callback that exceeds the budget (the host logs it and counts it in metrics).
    public var onBudgetExceeded: ((CallbackBudgetOverrun) -> Void)?
    /// Sees every order notice before the strategy does, with the engine time it was given at (a
    /// test's record of rejections and fills). Called even when the strategy no longer runs: the
    /// notice is a fact about the order either way. Nil in the host.
    public var orderObserver: ((OrderNotice, Timestamp) -> Void)?
    /// Where each callback's start is published for the host's watchdog, as runner `watchSlot`.
    public var watch: CallbackWatch? {
        didSet { uncountedWatch = watch.map(Unmanaged.passUnretained) }
    }
    /// ``watch``, used without retaining it: it is published to twice per callback, and each use
    /// was a retain and a release (``watch`` holds it).
    private var uncountedWatch: Unmanaged<CallbackWatch>?
    /// This runner's index in the engine, for ``watch``.
    public var watchSlot = 0
    /// Where the strategy is in its life.
    @exclusivity(unchecked) public private(set) var state: State = .created
    /// How many callbacks exceeded the budget.
    public private(set) var budgetOverrunCount = 0
    /// The longest callback so far.
    @exclusivity(unchecked) public private(set) var slowestCallback: Duration = .zero

    /// ``callbackBudget`` in whole nanoseconds, compared with each callback's run time.
    @exclusivity(unchecked) private var budgetNanoseconds: Int64
    /// ``slowestCallback`` in nanoseconds.
    @exclusivity(unchecked) private var slowestNanoseconds: Int64 = 0
    /// The callbacks the strategy does not implement (``StrategyCallback/bit``): their defaults
    /// threw ``UnusedCallback``, and they are not called again.
    @exclusivity(unchecked) private var unusedCallbacks: UInt16 = 0
    /// The strategy's bars (its manifest's `bars:`), built here from the events the host hands
    /// over; nil when it asked for none.
    // Not an Optional: reading a field through `bars?.` on the hot path could copy the whole
    // aggregator (and retain its arrays) first. Without bars it is empty and `hasBars` is false.
    @exclusivity(unchecked) private var bars: BarAggregator
    private let hasBars: Bool

    /// Wraps a created strategy. `callbackBudget` defaults to 1 ms; `bars` builds the bars its
    /// manifest asks for (nil: none).
    public init(strategy: any Strategy, context: StrategyContext, callbackBudget: Duration = .milliseconds(1),
                bars: BarAggregator? = nil) {
        self.strategy = strategy
        self.context = context
        self.callbackBudget = callbackBudget
        self.budgetNanoseconds = callbackBudget.wholeNanoseconds
        self.hasBars = bars != nil
        self.bars = bars ?? BarAggregator(specification: BarSpecification(interval: .day, source: .trades), instruments: [])
    }

    /// Creates the strategy from its registration (decoding the context's parameters).
    /// - Throws: the decoding error naming the field, or what the strategy's `init` threw.
    public convenience init(registration: StrategyRegistration, context: StrategyContext,
                            callbackBudget: Duration = .milliseconds(1), bars: BarAggregator? = nil) throws {
        self.init(strategy: try registration.makeStrategy(context: context), context: context, callbackBudget: callbackBudget,
                  bars: bars)
    }

    /// What the strategy's bars are; nil when it receives none.
    public var barSpecification: BarSpecification? { hasBars ? bars.specification : nil }

    /// How many updates its bars dropped as late (their bar was already complete).
    public var lateBarUpdates: Int { bars.lateUpdates }

    /// The strategy's name.
    public var name: StrategyName { context.name }

    /// Whether the strategy receives callbacks.
    public var isRunning: Bool {
        // A pattern, not `==`: equality would copy both states (and a fault's strings) first.
        if case .running = state { true } else { false }
    }

    /// Delivers `start()`.
    @discardableResult
    public func start(at time: Timestamp) -> CallbackResult {
        guard state == .created else { return .skipped }
        state = .running
        return invoke(.start, at: time) { try $0.start() }
    }

    /// Delivers `stop()`; the strategy receives nothing afterwards.
    @discardableResult
    public func stop(at time: Timestamp) -> CallbackResult {
        guard state == .running else { return .skipped }
        let result = invoke(.stop, at: time) { try $0.stop() }
        if case .running = state { state = .stopped }
        return result
    }

    /// Delivers a trade, ticker or candle (book messages go through ``deliverBook(_:)``, since the
    /// strategy receives the host's maintained book, not the raw message).
    @discardableResult
    public func deliver(_ event: MarketEvent) -> CallbackResult {
        switch event {
        case .trade(let trade): deliver(trade: trade)
        case .ticker(let ticker): deliver(ticker: ticker)
        case .candle(let candle): deliver(candle: candle)
        case .book: .skipped
        }
    }

    /// Delivers a trade.
    @discardableResult
    public func deliver(trade: TradeTick) -> CallbackResult {
        invoke(.trade, at: trade.timestamp) { try $0.onTrade(trade) }
    }

    /// Delivers a ticker.
    @discardableResult
    public func deliver(ticker: Ticker) -> CallbackResult {
        invoke(.ticker, at: ticker.timestamp) { try $0.onTicker(ticker) }
    }

    /// Delivers a candle.
    @discardableResult
    public func deliver(candle: Candle) -> CallbackResult {
        invoke(.candle, at: candle.openTime) { try $0.onCandle(candle) }
    }

    // MARK: Bars
    //
    // The host feeds each event into the strategy's bars before delivering the event itself, then
    // delivers the bars that completed one call at a time (``deliverCompletedBar(at:)``, so that the
    // orders of one bar go through risk before the next bar), then the raw event if subscribed.

    /// Feeds a trade into the strategy's bars (nothing when it has none, or bars of another
    /// source); returns whether a completed bar waits.
    @inline(__always)
    public func aggregate(trade: TradeTick) -> Bool {
        guard hasBars else { return false }
        bars.add(trade: trade)
        return bars.hasCompletedBars
    }

    /// Feeds a ticker into the strategy's bars; returns whether a completed bar waits.
    public func aggregate(ticker: Ticker) -> Bool {
        guard hasBars else { return false }
        bars.add(ticker: ticker)
        return bars.hasCompletedBars
    }

    /// Feeds a candle into the strategy's bars; returns whether a completed bar waits.
    public func aggregate(candle: Candle) -> Bool {
        guard hasBars else { return false }
        bars.add(candle: candle)
        return bars.hasCompletedBars
    }

    /// Moves the bars' clock to `time` (an event of any instrument): bars ending at or before it
    /// complete. Returns whether a completed bar waits.
    @inline(__always)
    public func advanceBars(to time: Timestamp) -> Bool {
        guard time >= bars.nextCloseTime else { return false }
        bars.advance(to: time)
        return bars.hasCompletedBars
    }

    /// Delivers the oldest completed bar at `time` (the event that completed it); nil when none
    /// waits. A halted or stopped strategy's bars are dropped.
    public func deliverCompletedBar(at time: Timestamp) -> CallbackResult? {
        guard bars.hasCompletedBars else { return nil }
        defer { bars.dropOldestCompletedBar() }
        return invoke(.bar, at: time) { try $0.onBar(bars.oldestCompletedBar) }
    }

    /// Delivers the instrument's book after the host applied a book message.
    @discardableResult
    public func deliverBook(_ book: OrderBook) -> CallbackResult {
        invoke(.book, at: book.timestamp) { try $0.onBook(book) }
    }

    /// The order passed risk and the venue acknowledged it (`order` as the ledger holds it).
    @discardableResult
    public func orderAccepted(_ order: OpenOrder, at time: Timestamp) -> CallbackResult {
        orderObserver?(.accepted(order), time)
        return invoke(.orderAccepted, at: time) { try $0.onOrderAccepted(order) }
    }

    /// The risk engine or the venue refused a command.
    @discardableResult
    public func orderRejected(_ rejection: OrderRejection, at time: Timestamp) -> CallbackResult {
        orderObserver?(.rejected(rejection), time)
        return invoke(.orderRejected, at: time) { try $0.onOrderRejected(rejection) }
    }

    /// A fill, after the ledger accounted it.
    @discardableResult
    public func fill(_ fill: Fill) -> CallbackResult {
        orderObserver?(.filled(fill), fill.timestamp)
        return invoke(.fill, at: fill.timestamp) { try $0.onFill(fill) }
    }

    /// The order was canceled (or expired); `order` as it was when it ended.
    @discardableResult
    public func orderCanceled(_ order: OpenOrder, at time: Timestamp) -> CallbackResult {
        orderObserver?(.canceled(order), time)
        return invoke(.orderCanceled, at: time) { try $0.onOrderCanceled(order) }
    }

    /// Halts the strategy from outside (e.g. the risk engine's halt); it receives nothing more.
    public func halt(reason: String, at time: Timestamp) {
        if case .halted = state { return }
        state = .halted(StrategyFault(strategy: name, callback: .stop, message: reason, at: time))
    }

    private func invoke(_ callback: StrategyCallback, at time: Timestamp, _ body: (any Strategy) throws -> Void) -> CallbackResult {
        guard isRunning, unusedCallbacks & callback.bit == 0 else { return .skipped }
        context.setClock(time)
        let started = Self.monotonicNanoseconds()
        uncountedWatch?._withUnsafeGuaranteedRef { $0.begin(slot: watchSlot, callback: callback, now: started) }
        let thrown: (any Error)?
        do {
            try body(strategy)
            thrown = nil
        } catch {
            thrown = error
        }
        uncountedWatch?._withUnsafeGuaranteedRef { $0.end() }
        let elapsed = Self.monotonicNanoseconds() &- started
        if elapsed > slowestNanoseconds {
            slowestNanoseconds = elapsed
            slowestCallback = .nanoseconds(elapsed)
        }
        if let thrown {
            guard thrown is UnusedCallback else { return halt(callback, at: time, message: String(describing: thrown)) }
            unusedCallbacks |= callback.bit
            return .skipped
        }
        guard elapsed > budgetNanoseconds else { return .completed }
        budgetOverrunCount += 1
        let overrun = CallbackBudgetOverrun(strategy: name, callback: callback, elapsed: .nanoseconds(elapsed),
                                            budget: callbackBudget)
        onBudgetExceeded?(overrun)
        return .completedOverBudget(overrun)
    }

    /// The monotonic clock in nanoseconds: two readings per callback, so read directly rather
    /// than through ContinuousClock, whose instants and durations are 128-bit attoseconds.
    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
    }

    private func halt(_ callback: StrategyCallback, at time: Timestamp, message: String) -> CallbackResult {
        let fault = StrategyFault(strategy: name, callback: callback, message: message, at: time)
        state = .halted(fault)
        // Orders queued by a callback that failed half-way are not sent.
        _ = context.takeOutbox()
        return .halted(fault)
    }
}
