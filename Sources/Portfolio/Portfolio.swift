import TradingCore

/// All positions of all strategies, their PnL and each strategy's equity.
///
/// Owned by the host's event loop; every call is synchronous and takes its time from the
/// caller (event time in replay). Spot holdings and swap/futures positions use the same
/// accounting (see ``Position``). A spot buy's fee is charged in the base currency, so the
/// holding grows by `size − fee`; the fee is valued at the fill price in ``Position/fees``.
///
/// Equity of a strategy = allocated capital + realized PnL + unrealized PnL − fees, summed over
/// its positions.
///
/// The portfolio accounts what the venue filled; it does not refuse fills. Keeping a spot sell
/// within the holding, a hedge-mode close within its side, and reduce-only orders reducing is
/// the risk engine's job (a spot sell beyond the holding shows as a negative holding).
public final class Portfolio {
    /// A strategy's place in the portfolio, for a caller that asks after it at every mark
    /// (``equity(of:)-(StrategyHandle)``): no lookup by name, and only its own positions summed.
    public struct StrategyHandle: Hashable, Sendable {
        let index: Int
    }

    public let mode: TradingMode
    public let configuration: PortfolioConfiguration
    private var instruments: [InstrumentId: Instrument]
    /// Each strategy with capital or positions, by handle index: its name, its capital and its
    /// position slots.
    private var strategyNames: [StrategyName] = []
    private var capital: [Money] = []
    private var slotsOfStrategy: [[Int]] = []
    private var handlesByName: [StrategyName: Int] = [:]
    // Properties marked on every event skip Swift's dynamic exclusivity checks: the host's one
    // event loop owns the portfolio and no method holds an access across a call back into it.

    /// Every position ever opened, flat ones included (their realized PnL and fees count), by
    /// slot: marks on every event update them in place, without hashing a key.
    @exclusivity(unchecked) private var slots: [Position] = []
    private var slotsByKey: [PositionKey: Int] = [:]
    /// Whether each slot's mark changed since the last ``takeDirtyRecords()``.
    @exclusivity(unchecked) private var dirtySlots: [Bool] = []
    @exclusivity(unchecked) private var dirtyCount = 0
    /// The dirty slots in key order, a buffer reused by ``drainDirtyRecords(_:)``.
    private var dirtyOrder: [Int] = []
    /// Each marked instrument's position slots; `lastMarked` caches the latest instrument's index.
    @exclusivity(unchecked) private var markedInstruments: [InstrumentId] = []
    @exclusivity(unchecked) private var slotsOfInstrument: [[Int]] = []
    @exclusivity(unchecked) private var markedIndexById: [InstrumentId: Int] = [:]
    @exclusivity(unchecked) private var lastMarked = 0
    @exclusivity(unchecked) private var lastLookup = 0

    /// Every position ever opened, flat ones included (their realized PnL and fees count).
    public var positions: [PositionKey: Position] {
        Dictionary(uniqueKeysWithValues: slotsByKey.map { ($0.key, slots[$0.value]) })
    }

    /// An empty portfolio.
    public init(instruments: [Instrument], allocatedCapital: [StrategyName: Money] = [:],
                configuration: PortfolioConfiguration = PortfolioConfiguration(), mode: TradingMode) {
        self.instruments = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.configuration = configuration
        self.mode = mode
        for (strategy, amount) in allocatedCapital { capital[handle(of: strategy).index] = amount }
    }

    /// The portfolio exactly as the persisted `positions` rows describe it.
    public convenience init(restoring records: [PositionRecord], instruments: [Instrument],
                            allocatedCapital: [StrategyName: Money] = [:],
                            configuration: PortfolioConfiguration = PortfolioConfiguration(),
                            mode: TradingMode) throws(PortfolioError) {
        self.init(instruments: instruments, allocatedCapital: allocatedCapital, configuration: configuration, mode: mode)
        for record in records {
            let key = record.key
            guard slotsByKey[key] == nil else { throw .duplicateRecord(key) }
            guard let instrument = self.instruments[record.symbol] else { throw .unknownInstrument(record.symbol) }
            addSlot(Position(restoring: record, contractValue: instrument.contractValue?.value,
                             maintenanceMarginRate: configuration.maintenanceMarginRate(for: record.symbol)))
        }
    }

    /// Sets (or changes) a strategy's allocated capital.
    public func allocate(_ amount: Money, to strategy: StrategyName) { capital[handle(of: strategy).index] = amount }

    /// A strategy's allocated capital (zero if none was set).
    public func allocatedCapital(of strategy: StrategyName) -> Money { handlesByName[strategy].map { capital[$0] } ?? .zero }

    /// The strategy's handle, made (with no capital and no positions) on first sight.
    public func handle(of strategy: StrategyName) -> StrategyHandle {
        if let index = handlesByName[strategy] { return StrategyHandle(index: index) }
        let index = strategyNames.count
        strategyNames.append(strategy)
        capital.append(.zero)
        slotsOfStrategy.append([])
        handlesByName[strategy] = index
        return StrategyHandle(index: index)
    }

    /// Accounts one fill and returns its realized PnL and the changed position's record.
    public func apply(_ fill: Fill) throws(PortfolioError) -> FillOutcome {
        guard let instrument = instruments[fill.instrument] else { throw .unknownInstrument(fill.instrument) }
        let key = PositionKey(strategy: fill.strategy, instrument: fill.instrument, positionSide: fill.positionSide)
        let existingSlot = slotsByKey[key]
        var position = existingSlot.map { slots[$0] } ?? newPosition(key, instrument: instrument, at: fill.timestamp)
        let outcome: FillOutcome
        do {
            var size = fill.quantity.value
            let feeInQuote: Money
            if fill.feeCurrency == instrument.id.quote {
                feeInQuote = fill.fee
            } else if fill.feeCurrency == instrument.id.base {
                feeInQuote = Money(try fill.fee.value.multiplied(by: fill.price.value, rounding: .toNearestOrAwayFromZero))
                // The base-currency fee comes out of what a spot buy receives.
                if instrument.id.kind == .spot { size -= fill.fee.value }
            } else {
                throw PortfolioError.feeCurrencyMismatch(fill.instrument, feeCurrency: fill.feeCurrency)
            }
            let delta = fill.side == .buy ? size : size.negated
            let realized = try position.apply(delta: delta, price: fill.price, feeInQuote: feeInQuote, at: fill.timestamp)
            outcome = FillOutcome(realizedPnl: realized, feeInQuote: feeInQuote, position: position.record(mode: mode))
        } catch let error as PortfolioError {
            throw error
        } catch let error as FixedPointArithmeticError {
            throw .arithmetic(key, error)
        } catch {
            throw .arithmetic(key, .overflow(operation: "\(error)"))
        }
        if let existingSlot {
            slots[existingSlot] = position
            if dirtySlots[existingSlot] {
                dirtySlots[existingSlot] = false
                dirtyCount -= 1
            }
        } else {
            addSlot(position)
        }
        return outcome
    }

    /// Marks every position in `instrument` to `price` (a trade or mark price). Cheap: positions
    /// whose value changed become dirty; the host persists them at a bounded rate with
    /// ``takeDirtyRecords()``.
    public func mark(_ instrument: InstrumentId, price: Price, at time: Timestamp) {
        guard let index = markedIndex(of: instrument) else { return }
        // By position: a loop over the instrument's array would retain and release it at every mark.
        for position in slotsOfInstrument[index].indices {
            let slot = slotsOfInstrument[index][position]
            // A flat position has nothing to mark; leaving it alone keeps its row unchanged.
            guard !slots[slot].isFlat else { continue }
            // A mark that overflows leaves the position at its last mark; nothing realistic does.
            if (try? slots[slot].mark(to: price, at: time)) == true {
                if !dirtySlots[slot] {
                    dirtySlots[slot] = true
                    dirtyCount += 1
                }
            }
        }
    }

    /// Whether positions changed by marks since the last ``takeDirtyRecords()``.
    public var hasDirtyPositions: Bool { dirtyCount > 0 }

    /// Records of the positions whose marks changed since the last call, in key order, and
    /// clears the dirty set. (Fills return their record directly and are not repeated here.)
    public func takeDirtyRecords() -> [PositionRecord] {
        guard dirtyCount > 0 else { return [] }
        var records: [PositionRecord] = []
        records.reserveCapacity(dirtyCount)
        drainDirtyRecords { records.append($0) }
        return records
    }

    /// ``takeDirtyRecords()`` without building an array (the host calls it at every mark
    /// interval): hands each record to `body`, in key order, and clears the dirty set.
    public func drainDirtyRecords(_ body: (PositionRecord) throws -> Void) rethrows {
        guard dirtyCount > 0 else { return }
        dirtyOrder.removeAll(keepingCapacity: true)
        for slot in dirtySlots.indices where dirtySlots[slot] {
            dirtyOrder.append(slot)
            dirtySlots[slot] = false
        }
        dirtyCount = 0
        if dirtyOrder.count > 1 { dirtyOrder.sort { slots[$0].key < slots[$1].key } }
        for slot in dirtyOrder { try body(slots[slot].record(mode: mode)) }
    }

    /// Clears the dirty set without building its records (a host that keeps no records).
    public func discardDirtyRecords() {
        guard dirtyCount > 0 else { return }
        for slot in dirtySlots.indices { dirtySlots[slot] = false }
        dirtyCount = 0
    }

    /// Every position's record, in key order (for persistence checks and restarts).
    public func records() -> [PositionRecord] {
        slots.sorted { $0.key < $1.key }.map { $0.record(mode: mode) }
    }

    /// One position, nil if the strategy never traded the instrument on that side.
    public func position(_ key: PositionKey) -> Position? {
        // The host asks for the same few keys over and over (after every mark interval).
        if lastLookup < slots.count, slots[lastLookup].key == key { return slots[lastLookup] }
        guard let slot = slotsByKey[key] else { return nil }
        lastLookup = slot
        return slots[slot]
    }

    /// A strategy's equity: allocated capital + realized + unrealized − fees.
    public func equity(of strategy: StrategyName) -> Money {
        handlesByName[strategy].map { equity(of: StrategyHandle(index: $0)) } ?? .zero
    }

    /// ``equity(of:)-(StrategyName)`` of the strategy with `handle`.
    public func equity(of handle: StrategyHandle) -> Money {
        var total = capital[handle.index]
        for slot in slotsOfStrategy[handle.index] {
            total += slots[slot].realizedPnl + slots[slot].unrealizedPnl - slots[slot].fees
        }
        return total
    }

    /// The signed size the strategy holds in `instrument` on each position side, zero where it
    /// holds none: one pass over its few positions, where three lookups by key would hash the
    /// names three times (the risk check asks it for every order).
    public func heldQuantities(of handle: StrategyHandle, in instrument: InstrumentId) -> (net: FixedPoint, long: FixedPoint, short: FixedPoint) {
        var held: (net: FixedPoint, long: FixedPoint, short: FixedPoint) = (.zero, .zero, .zero)
        for slot in slotsOfStrategy[handle.index] where slots[slot].key.instrument == instrument {
            switch slots[slot].key.positionSide {
            case .net: held.net = slots[slot].signedQuantity
            case .long: held.long = slots[slot].signedQuantity
            case .short: held.short = slots[slot].signedQuantity
            }
        }
        return held
    }

    /// The strategy's equity at `time`, as a point of its equity curve.
    public func equitySample(of strategy: StrategyName, at time: Timestamp) -> EquitySample {
        EquitySample(strategy: strategy, timestamp: time, equity: equity(of: strategy))
    }

    /// ``equitySample(of:at:)-(StrategyName,_)`` of the strategy with `handle`.
    public func equitySample(of handle: StrategyHandle, at time: Timestamp) -> EquitySample {
        EquitySample(strategy: strategyNames[handle.index], timestamp: time, equity: equity(of: handle))
    }

    /// The strategies that have capital, positions or a handle, sorted.
    public var strategies: [StrategyName] { strategyNames.sorted() }

    /// Stores a position not held yet in a new slot.
    private func addSlot(_ position: Position) {
        let slot = slots.count
        slots.append(position)
        dirtySlots.append(false)
        slotsByKey[position.key] = slot
        slotsOfStrategy[handle(of: position.key.strategy).index].append(slot)
        if let index = markedIndex(of: position.key.instrument) {
            slotsOfInstrument[index].append(slot)
        } else {
            markedIndexById[position.key.instrument] = markedInstruments.count
            markedInstruments.append(position.key.instrument)
            slotsOfInstrument.append([slot])
        }
    }

    /// The index of `instrument` in ``markedInstruments``, nil if no position was opened in it.
    private func markedIndex(of instrument: InstrumentId) -> Int? {
        if lastMarked < markedInstruments.count, markedInstruments[lastMarked] == instrument { return lastMarked }
        guard let index = markedIndexById[instrument] else { return nil }
        lastMarked = index
        return index
    }

    private func newPosition(_ key: PositionKey, instrument: Instrument, at time: Timestamp) -> Position {
        Position(key: key, contractValue: instrument.contractValue?.value,
                        leverage: configuration.leverage(for: key.instrument),
                        maintenanceMarginRate: configuration.maintenanceMarginRate(for: key.instrument), at: time)
    }
}
