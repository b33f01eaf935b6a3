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
    public let mode: TradingMode
    public let configuration: PortfolioConfiguration
    private var instruments: [InstrumentId: Instrument]
    private var capital: [StrategyName: Money]
    /// Every position ever opened, flat ones included (their realized PnL and fees count).
    public private(set) var positions: [PositionKey: Position] = [:]
    private var keysByInstrument: [InstrumentId: [PositionKey]] = [:]
    private var dirty: Set<PositionKey> = []

    /// An empty portfolio.
    public init(instruments: [Instrument], allocatedCapital: [StrategyName: Money] = [:],
                configuration: PortfolioConfiguration = PortfolioConfiguration(), mode: TradingMode) {
        self.instruments = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.capital = allocatedCapital
        self.configuration = configuration
        self.mode = mode
    }

    /// The portfolio exactly as the persisted `positions` rows describe it.
    public convenience init(restoring records: [PositionRecord], instruments: [Instrument],
                            allocatedCapital: [StrategyName: Money] = [:],
                            configuration: PortfolioConfiguration = PortfolioConfiguration(),
                            mode: TradingMode) throws(PortfolioError) {
        self.init(instruments: instruments, allocatedCapital: allocatedCapital, configuration: configuration, mode: mode)
        for record in records {
            let key = record.key
            guard positions[key] == nil else { throw .duplicateRecord(key) }
            guard let instrument = self.instruments[record.symbol] else { throw .unknownInstrument(record.symbol) }
            positions[key] = Position(restoring: record, contractValue: instrument.contractValue?.value,
                                      maintenanceMarginRate: configuration.maintenanceMarginRate(for: record.symbol))
            keysByInstrument[record.symbol, default: []].append(key)
        }
    }

    /// Sets (or changes) a strategy's allocated capital.
    public func allocate(_ amount: Money, to strategy: StrategyName) { capital[strategy] = amount }

    /// A strategy's allocated capital (zero if none was set).
    public func allocatedCapital(of strategy: StrategyName) -> Money { capital[strategy] ?? .zero }

    /// Accounts one fill and returns its realized PnL and the changed position's record.
    public func apply(_ fill: Fill) throws(PortfolioError) -> FillOutcome {
        guard let instrument = instruments[fill.instrument] else { throw .unknownInstrument(fill.instrument) }
        let key = PositionKey(strategy: fill.strategy, instrument: fill.instrument, positionSide: fill.positionSide)
        var position = positions[key] ?? newPosition(key, instrument: instrument, at: fill.timestamp)
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
        positions[key] = position
        dirty.remove(key)
        return outcome
    }

    /// Marks every position in `instrument` to `price` (a trade or mark price). Cheap: positions
    /// whose value changed become dirty; the host persists them at a bounded rate with
    /// ``takeDirtyRecords()``.
    public func mark(_ instrument: InstrumentId, price: Price, at time: Timestamp) {
        guard let keys = keysByInstrument[instrument] else { return }
        for key in keys {
            // A flat position has nothing to mark; leaving it alone keeps its row unchanged.
            guard var position = positions[key], !position.isFlat else { continue }
            // A mark that overflows leaves the position at its last mark; nothing realistic does.
            if (try? position.mark(to: price, at: time)) == true {
                positions[key] = position
                dirty.insert(key)
            }
        }
    }

    /// Whether positions changed by marks since the last ``takeDirtyRecords()``.
    public var hasDirtyPositions: Bool { !dirty.isEmpty }

    /// Records of the positions whose marks changed since the last call, in key order, and
    /// clears the dirty set. (Fills return their record directly and are not repeated here.)
    public func takeDirtyRecords() -> [PositionRecord] {
        guard !dirty.isEmpty else { return [] }
        let records = dirty.sorted().compactMap { positions[$0]?.record(mode: mode) }
        dirty.removeAll(keepingCapacity: true)
        return records
    }

    /// Every position's record, in key order (for persistence checks and restarts).
    public func records() -> [PositionRecord] {
        positions.keys.sorted().compactMap { positions[$0]?.record(mode: mode) }
    }

    /// One position, nil if the strategy never traded the instrument on that side.
    public func position(_ key: PositionKey) -> Position? { positions[key] }

    /// A strategy's equity: allocated capital + realized + unrealized − fees.
    public func equity(of strategy: StrategyName) -> Money {
        var total = allocatedCapital(of: strategy)
        for (key, position) in positions where key.strategy == strategy {
            total += position.realizedPnl + position.unrealizedPnl - position.fees
        }
        return total
    }

    /// The strategy's equity at `time`, as a point of its equity curve.
    public func equitySample(of strategy: StrategyName, at time: Timestamp) -> EquitySample {
        EquitySample(strategy: strategy, timestamp: time, equity: equity(of: strategy))
    }

    /// The strategies that have capital or positions, sorted.
    public var strategies: [StrategyName] {
        Set(capital.keys).union(positions.keys.map(\.strategy)).sorted()
    }

    private func newPosition(_ key: PositionKey, instrument: Instrument, at time: Timestamp) -> Position {
        keysByInstrument[key.instrument, default: []].append(key)
        return Position(key: key, contractValue: instrument.contractValue?.value,
                        leverage: configuration.leverage(for: key.instrument),
                        maintenanceMarginRate: configuration.maintenanceMarginRate(for: key.instrument), at: time)
    }
}
