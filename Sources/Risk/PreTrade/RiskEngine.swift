import Ledger
import TradingCore

/// The risk engine: every order intent passes ``check(_:market:)`` before any venue sees it;
/// closed trades, equity and data-quality news feed its post-trade monitors; operators
/// pause, resume, stop and halt strategies and flip the kill switch through it.
///
/// It is owned by the host's single event loop and is not thread-safe by design (no locks,
/// no actor hops): all calls come from that loop. It performs no I/O. What must be persisted
/// (risk_events rows, audit_logs rows, strategies.status changes) collects in an outbox that
/// the host drains with ``drainOutputs(at:)`` and writes off the hot path.
///
/// It keeps no ledger: positions and open orders are read from the ``TradingLedger`` (the
/// portfolio and the order book of record) at each check, as NautilusTrader's risk engine reads
/// its portfolio and cache. A check reads pre-resolved limits, does a handful of exact
/// fixed-point multiplications, and reports a breach as a value. Only the first of a run of
/// identical rejections builds the text of its risk event; the rest are counted.
public final class RiskEngine {
    /// Identifies a registered strategy without a name lookup.
    public struct StrategyHandle: Sendable, Hashable {
        let index: Int
    }

    /// The account-wide settings.
    public let account: AccountRiskLimits
    /// Where positions and open orders are read.
    public let ledger: TradingLedger

    // Read on every event (pending outputs) and every order; the host's one event loop owns the
    // engine and never overlaps two accesses, so these skip Swift's dynamic exclusivity checks.
    @exclusivity(unchecked) var books: [StrategyBook] = []
    /// ``books`` again, for ``withBook(_:_:)``; kept in step with it by ``register(strategy:instruments:limits:restoring:)``.
    @exclusivity(unchecked) private var uncountedBooks: [Unmanaged<StrategyBook>] = []
    var handles: [StrategyName: Int] = [:]
    @exclusivity(unchecked) var outbox: RiskOutbox
    var killSwitchEngaged: Bool
    var unknownStrategyCounter = RejectionCounter()
    let staleAfterNanoseconds: Int64
    let summaryWindowNanoseconds: Int64

    /// Creates an engine with the account-wide settings (config/runtime.yaml `risk:`) that reads
    /// positions and open orders from `ledger`.
    public init(account: AccountRiskLimits = AccountRiskLimits(), ledger: TradingLedger) {
        self.account = account
        self.ledger = ledger
        self.outbox = RiskOutbox(capacity: account.outboxCapacity)
        self.killSwitchEngaged = account.killSwitchEngagedAtStart
        self.staleAfterNanoseconds = account.staleDataAfterMilliseconds * 1_000_000
        self.summaryWindowNanoseconds = account.rejectionSummaryWindowMilliseconds * 1_000_000
    }

    /// Registers a strategy with its instruments (the manifest's symbols: the only ones it may
    /// trade) and limits. Pass the persisted snapshot to restore it: a strategy that was halted
    /// comes back halted. Registering a name again replaces its limits and keeps nothing else.
    @discardableResult
    public func register(strategy name: StrategyName, instruments: [Instrument], limits: RiskLimits,
                         restoring snapshot: StrategyRiskSnapshot = StrategyRiskSnapshot(state: .active)) -> StrategyHandle {
        let book = StrategyBook(name: name, ledgerHandle: ledger.handle(for: name), instruments: instruments, limits: limits,
                                accountActions: account.actions, snapshot: snapshot)
        if let index = handles[name] {
            books[index] = book
            uncountedBooks[index] = Unmanaged.passUnretained(book)
            return StrategyHandle(index: index)
        }
        books.append(book)
        uncountedBooks.append(Unmanaged.passUnretained(book))
        handles[name] = books.count - 1
        return StrategyHandle(index: books.count - 1)
    }

    /// Runs `body` on the book at `index` without retaining it: marks and checks reach the books
    /// at every event, and a book read from ``books`` for a call is retained and released around
    /// it (two atomic operations). ``books`` owns the books; only registering again replaces one.
    @inline(__always)
    func withBook<Result>(_ index: Int, _ body: (StrategyBook) -> Result) -> Result {
        uncountedBooks[index]._withUnsafeGuaranteedRef(body)
    }

    /// The handle of a registered strategy.
    public func handle(for name: StrategyName) -> StrategyHandle? {
        handles[name].map(StrategyHandle.init)
    }

    /// A strategy's current trading state.
    public func state(of name: StrategyName) -> StrategyTradingState? {
        handles[name].map { books[$0].state }
    }

    /// What to persist to restore the strategy after a restart.
    public func snapshot(of name: StrategyName) -> StrategyRiskSnapshot? {
        handles[name].map { StrategyRiskSnapshot(state: books[$0].state, monitors: books[$0].monitors) }
    }

    /// What the checks see of a strategy's instrument: positions and open orders from the
    /// ledger, nil for an unregistered strategy or an instrument outside its manifest.
    public func exposure(of name: StrategyName, instrument: InstrumentId) -> InstrumentExposure? {
        guard let index = handles[name], books[index].slotIndex(of: instrument) != nil else { return nil }
        return ledger.exposure(of: books[index].ledgerHandle, in: instrument)
    }

    /// Whether the global kill switch is engaged.
    public var isKillSwitchEngaged: Bool { killSwitchEngaged }

    /// Hands over everything to persist, oldest first, and empties the outbox. Also closes
    /// rejection-summary windows that ended by `now`.
    public func drainOutputs(at now: Timestamp) -> [RiskOutput] {
        flushRejectionSummaries(now: now)
        return outbox.drain(at: now)
    }

    /// How many outputs wait in the outbox.
    public var pendingOutputCount: Int { outbox.items.count }

    /// Events dropped since the engine started because the outbox was full.
    public var droppedEventCount: Int { outbox.totalDropped }
}
