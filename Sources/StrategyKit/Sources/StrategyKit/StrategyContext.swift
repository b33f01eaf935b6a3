import TradingCore

/// Everything a strategy sees of the world, and the only way it trades.
///
/// One context belongs to one strategy instance. The host creates it from the manifest and keeps
/// its clock; positions and open orders are read from the host's ledger (``StrategyLedger``: the
/// portfolio's positions and the order book of record), so they are always exactly what the risk
/// engine checks and the portfolio accounts. Strategies never talk to a venue:
/// ``submit(_:_:_:quantity:price:reduceOnly:)`` and its shorthands check the order's shape, give it
/// a client order id and queue an ``OrderCommand``; the host sends it through the risk engine
/// right after the callback returns and reports back through the strategy's order callbacks.
/// Until then a queued order shows in ``openOrders`` as `pendingNew` (and a queued cancel as
/// `pendingCancel`).
///
/// The context is not thread-safe and needs not be: the host calls a strategy from one event loop.
///
/// Determinism: client order ids come from a counter scoped to the strategy (prefix + sequence
/// number), and ``now`` is event time in replay, so the same input gives the same orders.
public final class StrategyContext {
    /// The strategy's deployed name (the manifest's `name`).
    public let name: StrategyName
    /// Whether this is live trading, paper trading or a replay.
    public let mode: TradingMode
    /// The capital the manifest allocates to the strategy (quote currency).
    public let allocatedCapital: Money
    /// The manifest's parameters as written, for strategies that want more than their typed
    /// `Parameters` (prefer the typed ones).
    public let rawParameters: ParameterValue
    /// Where the strategy's messages go.
    public var logger: StrategyLogger

    // Properties the host updates on every event skip Swift's dynamic exclusivity checks: one
    // event loop owns the context and no method holds an access across a call back into it.

    /// The strategy's clock: the time of the event being delivered (event time in replay, so never
    /// read the wall clock in a strategy).
    @exclusivity(unchecked) public private(set) var now: Timestamp
    /// The strategy's instruments, in manifest order.
    public let instrumentIds: [InstrumentId]
    private let instrumentTable: [InstrumentId: Instrument]
    /// Where positions and open orders are read; nil reads as flat with no orders.
    private let ledger: (any StrategyLedger)?
    /// Commands queued in the current callback, not yet taken by the host.
    @exclusivity(unchecked) private var outbox: [OrderCommand]
    private let clientOrderIdPrefix: String
    private var nextOrderNumber: UInt64

    /// Creates a context. The host does this from a manifest (strategies never do: this and the
    /// other host-side members are SPI, `@_spi(Host) import StrategyKit`).
    ///
    /// - Parameters:
    ///   - name: the strategy's deployed name.
    ///   - instruments: metadata of the strategy's instruments (orders on others are refused).
    ///   - allocatedCapital: the capital allocated to the strategy.
    ///   - mode: live, paper or replay.
    ///   - parameters: the manifest's parameters as written.
    ///   - clientOrderIdPrefix: up to 20 letters/digits starting every client order id; the host
    ///     makes it unique per run (OKX and the trades table need unique ids). Defaults to the
    ///     strategy name's letters and digits.
    ///   - startTime: the initial clock.
    ///   - ledger: the host's positions and orders of this strategy (nil: flat, no orders).
    ///   - logger: where log messages go.
    @_spi(Host) public init(name: StrategyName, instruments: [Instrument], allocatedCapital: Money = .zero,
                mode: TradingMode = .paper, parameters: ParameterValue = .object([:]),
                clientOrderIdPrefix: String? = nil, startTime: Timestamp = .zero,
                ledger: (any StrategyLedger)? = nil, logger: StrategyLogger = .discarding) {
        self.name = name
        self.mode = mode
        self.allocatedCapital = allocatedCapital
        self.rawParameters = parameters
        self.logger = logger
        self.now = startTime
        self.ledger = ledger
        var ids: [InstrumentId] = []
        var table: [InstrumentId: Instrument] = [:]
        for instrument in instruments where table[instrument.id] == nil {
            ids.append(instrument.id)
            table[instrument.id] = instrument
        }
        self.instrumentIds = ids
        self.instrumentTable = table
        self.outbox = []
        self.outbox.reserveCapacity(16)
        self.clientOrderIdPrefix = Self.sanitizedPrefix(clientOrderIdPrefix ?? name.rawValue)
        self.nextOrderNumber = 1
    }

    // MARK: - Reading state

    /// The metadata of one of the strategy's instruments; nil for any other.
    public func instrument(_ id: InstrumentId) -> Instrument? { instrumentTable[id] }

    /// The strategy's position in `instrument` (flat if it never traded it, or if all it holds is
    /// dust below one order's minimum size; ``StrategyPosition/netQuantity`` stays exact).
    public func position(_ instrument: InstrumentId) -> StrategyPosition {
        var position = ledger?.position(instrument) ?? StrategyPosition(instrument: instrument)
        if let metadata = instrumentTable[instrument] { position.minimumOrderSize = metadata.minSize }
        return position
    }

    /// All positions, in manifest instrument order.
    public var positions: [StrategyPosition] { instrumentIds.map { position($0) } }

    /// The unfinished orders, oldest first: those the host has (with the size actually sent, which
    /// the risk engine may have trimmed), then those queued in this callback.
    public var openOrders: [OpenOrder] {
        let recorded = ledger?.openOrders ?? []
        guard !outbox.isEmpty else { return recorded }
        var merged = recorded
        for command in outbox {
            switch command {
            case .submit(let request):
                merged.append(OpenOrder(request: request))
            case .cancel(let id, _):
                if let index = merged.firstIndex(where: { $0.clientOrderId == id }) { merged[index].state = .pendingCancel }
            case .amend:
                break
            }
        }
        return merged
    }

    /// The unfinished orders on `instrument`, oldest first.
    public func openOrders(for instrument: InstrumentId) -> [OpenOrder] {
        openOrders.filter { $0.instrument == instrument }
    }

    /// Whether any order on `instrument` is unfinished (without building a list).
    public func hasOpenOrders(on instrument: InstrumentId) -> Bool {
        if outbox.isEmpty { return ledger?.openOrders.contains { $0.instrument == instrument } ?? false }
        return openOrders.contains { $0.instrument == instrument }
    }

    /// The unfinished order with this id, if any.
    public func openOrder(_ id: ClientOrderId) -> OpenOrder? { openOrders.first { $0.clientOrderId == id } }

    /// Realized PnL over all instruments, before fees.
    public var realizedPnL: Money { positions.reduce(Money.zero) { $0 + $1.realizedPnL } }

    /// Fees paid over all instruments.
    public var fees: Money { positions.reduce(Money.zero) { $0 + $1.fees } }

    /// Unrealized PnL of `instrument` at its mark price (zero if flat or no mark yet).
    public func unrealizedPnL(_ instrument: InstrumentId) -> Money { position(instrument).unrealizedPnL }

    /// Unrealized PnL over all instruments.
    public var unrealizedPnL: Money { positions.reduce(Money.zero) { $0 + $1.unrealizedPnL } }

    /// Realized plus unrealized PnL, minus fees.
    public var totalPnL: Money { realizedPnL + unrealizedPnL - fees }

    /// `price` on the instrument's tick grid (unchanged for an unknown instrument).
    public func roundPrice(_ price: Price, on instrument: InstrumentId, _ rule: RoundingRule = .toNearestOrAwayFromZero) -> Price {
        instrumentTable[instrument]?.roundPrice(price, rule) ?? price
    }

    /// `quantity` rounded down to the instrument's lot grid (unchanged for an unknown instrument).
    public func roundQuantity(_ quantity: Quantity, on instrument: InstrumentId) -> Quantity {
        instrumentTable[instrument]?.roundQuantity(quantity) ?? quantity
    }

    // MARK: - Trading

    /// Queues a new order and returns its client order id. The order goes through the risk engine
    /// when the callback returns; its fate arrives through the order callbacks.
    ///
    /// - Throws: ``OrderSubmissionError`` when the order is malformed (unknown instrument, zero or
    ///   off-grid quantity, below minimum size, missing or off-grid price). The minimum size holds
    ///   for reduce-only orders too: OKX and the paper venue refuse any order below `minSz`, so a
    ///   remainder smaller than that cannot be closed by an order (see ``flatten(_:)``).
    @discardableResult
    public func submit(_ instrument: InstrumentId, _ side: Side, _ type: OrderType, quantity: Quantity,
                       price: Price? = nil, reduceOnly: Bool = false) throws(OrderSubmissionError) -> ClientOrderId {
        guard let metadata = instrumentTable[instrument] else { throw .unknownInstrument(instrument) }
        guard !quantity.isZero else { throw .zeroQuantity(instrument) }
        guard quantity.value.isMultiple(of: metadata.lotSize.value) else {
            throw .quantityOffLotGrid(quantity, lotSize: metadata.lotSize, instrument: instrument)
        }
        if quantity < metadata.minSize {
            throw .quantityBelowMinimum(quantity, minimum: metadata.minSize, instrument: instrument)
        }
        var limitPrice: Price?
        if type.hasLimitPrice {
            guard let price, !price.isZero else { throw .missingPrice(type) }
            guard price.value.isMultiple(of: metadata.tickSize.value) else {
                throw .priceOffTickGrid(price, tickSize: metadata.tickSize, instrument: instrument)
            }
            limitPrice = price
        }
        let id = makeClientOrderId()
        let request = OrderRequest(clientOrderId: id, strategy: name, instrument: instrument, side: side, type: type,
                                   quantity: quantity, price: limitPrice, positionSide: .net, reduceOnly: reduceOnly,
                                   createdAt: now)
        outbox.append(.submit(request))
        return id
    }

    /// Queues a market buy.
    @discardableResult
    public func buyMarket(_ instrument: InstrumentId, quantity: Quantity, reduceOnly: Bool = false) throws(OrderSubmissionError) -> ClientOrderId {
        try submit(instrument, .buy, .market, quantity: quantity, reduceOnly: reduceOnly)
    }

    /// Queues a market sell.
    @discardableResult
    public func sellMarket(_ instrument: InstrumentId, quantity: Quantity, reduceOnly: Bool = false) throws(OrderSubmissionError) -> ClientOrderId {
        try submit(instrument, .sell, .market, quantity: quantity, reduceOnly: reduceOnly)
    }

    /// Queues a limit buy (`type` may be `.limit`, `.postOnly`, `.ioc` or `.fok`).
    @discardableResult
    public func buyLimit(_ instrument: InstrumentId, quantity: Quantity, price: Price, type: OrderType = .limit,
                         reduceOnly: Bool = false) throws(OrderSubmissionError) -> ClientOrderId {
        try submit(instrument, .buy, type, quantity: quantity, price: price, reduceOnly: reduceOnly)
    }

    /// Queues a limit sell (`type` may be `.limit`, `.postOnly`, `.ioc` or `.fok`).
    @discardableResult
    public func sellLimit(_ instrument: InstrumentId, quantity: Quantity, price: Price, type: OrderType = .limit,
                          reduceOnly: Bool = false) throws(OrderSubmissionError) -> ClientOrderId {
        try submit(instrument, .sell, type, quantity: quantity, price: price, reduceOnly: reduceOnly)
    }

    /// Queues a cancel of an open order (nothing is queued if a cancel is already on its way).
    /// - Throws: ``OrderSubmissionError/unknownOrder(_:)`` if the order is not open.
    public func cancel(_ id: ClientOrderId) throws(OrderSubmissionError) {
        guard let order = openOrder(id) else { throw .unknownOrder(id) }
        guard order.state != .pendingCancel else { return }
        outbox.append(.cancel(clientOrderId: id, instrument: order.instrument))
    }

    /// Queues a cancel of every open order (on `instrument` only, if given) not already being
    /// canceled, oldest first. Returns how many cancels were queued.
    @discardableResult
    public func cancelAll(_ instrument: InstrumentId? = nil) -> Int {
        var count = 0
        for order in openOrders where order.state != .pendingCancel && (instrument == nil || order.instrument == instrument) {
            outbox.append(.cancel(clientOrderId: order.clientOrderId, instrument: order.instrument))
            count += 1
        }
        return count
    }

    /// Queues an amend of an open order's price and/or total quantity (filled size included). The
    /// order keeps its old values until the venue confirms the amend. An amend that raises the
    /// size or moves the price goes through the same risk checks as a new order (it may be
    /// trimmed or refused); one down to the filled size completes the order.
    public func amend(_ id: ClientOrderId, price: Price? = nil, quantity: Quantity? = nil) throws(OrderSubmissionError) {
        guard let order = openOrder(id), order.state != .pendingCancel else { throw .unknownOrder(id) }
        guard price != nil || quantity != nil else { throw .emptyAmend(id) }
        guard let metadata = instrumentTable[order.instrument] else { throw .unknownInstrument(order.instrument) }
        if let price {
            guard order.request.type.hasLimitPrice, !price.isZero else { throw .missingPrice(order.request.type) }
            guard price.value.isMultiple(of: metadata.tickSize.value) else {
                throw .priceOffTickGrid(price, tickSize: metadata.tickSize, instrument: order.instrument)
            }
        }
        if let quantity {
            guard !quantity.isZero else { throw .zeroQuantity(order.instrument) }
            guard quantity.value.isMultiple(of: metadata.lotSize.value) else {
                throw .quantityOffLotGrid(quantity, lotSize: metadata.lotSize, instrument: order.instrument)
            }
        }
        outbox.append(.amend(clientOrderId: id, instrument: order.instrument, newQuantity: quantity, newPrice: price))
    }

    /// Cancels every open order on `instrument` and closes as much of its position as an order
    /// can close, with one reduce-only market order. Returns the closing order's id, or nil when
    /// no order was needed or possible.
    ///
    /// The order's size is the position rounded **down** to the instrument's lot size
    /// (``closableQuantity(_:)``). When that is zero or below the instrument's minimum order size,
    /// no order is sent and nil is returned: the remainder ("dust") stays in the position, and
    /// that is not an error. Dust is normal on spot: OKX takes a spot buy's fee in the base
    /// currency, so buying 0.00015 BTC at a 0.10% taker fee leaves 0.00014985 BTC (sold in full:
    /// it is on the 0.00000001 lot grid and above the 0.00001 minimum), while a buy of 0.00012345
    /// leaves 0.00012332655 BTC, of which 0.00012332 is sold and 0.00000000655 stays; a holding of
    /// 0.000009 BTC is below the minimum and cannot be sold at all. A position holding only dust
    /// is not ``StrategyPosition/isFlat``; test ``closableQuantity(_:)`` for zero to treat it as flat.
    ///
    /// - Throws: ``OrderSubmissionError/unknownInstrument(_:)`` for an instrument outside the
    ///   manifest; never for the position's size.
    @discardableResult
    public func flatten(_ instrument: InstrumentId) throws(OrderSubmissionError) -> ClientOrderId? {
        guard instrumentTable[instrument] != nil else { throw .unknownInstrument(instrument) }
        cancelAll(instrument)
        let position = position(instrument)
        let quantity = closableQuantity(instrument)
        guard !quantity.isZero else {
            if !position.netQuantity.isZero {
                logger.debug("\(instrument): \(position.absoluteQuantity) left is below one order's minimum size; kept as dust")
            }
            return nil
        }
        return try submit(instrument, position.isLong ? .sell : .buy, .market, quantity: quantity, reduceOnly: true)
    }

    /// How much of the position in `instrument` one order can close: its size rounded down to the
    /// lot size, or zero when that is below the minimum order size (the position is flat or
    /// holds only dust). Zero for an instrument outside the manifest.
    public func closableQuantity(_ instrument: InstrumentId) -> Quantity {
        guard let metadata = instrumentTable[instrument] else { return .zero }
        let rounded = metadata.roundQuantity(position(instrument).absoluteQuantity)
        return rounded < metadata.minSize ? .zero : rounded
    }

    // MARK: - Host side (SPI: a strategy cannot see these)

    /// Host: whether the strategy queued commands since the last drain.
    @_spi(Host) public var hasPendingCommands: Bool { !outbox.isEmpty }

    /// Host: hands every queued command to `body`, in the order the strategy issued them, then
    /// empties the outbox (keeping its storage, so draining does not allocate).
    @_spi(Host) public func drainOutbox(_ body: (OrderCommand) throws -> Void) rethrows {
        defer { outbox.removeAll(keepingCapacity: true) }
        for command in outbox { try body(command) }
    }

    /// Host: the queued commands, emptying the outbox (convenient in tests).
    @_spi(Host) public func takeOutbox() -> [OrderCommand] {
        let commands = outbox
        outbox.removeAll(keepingCapacity: true)
        return commands
    }

    /// Host: sets the strategy's clock (event time in replay) before a callback.
    @_spi(Host) public func setClock(_ time: Timestamp) { now = time }

    // MARK: - Private

    private func makeClientOrderId() -> ClientOrderId {
        defer { nextOrderNumber += 1 }
        // A fixed-width counter keeps ids of different prefixes apart ("a1"+"0…01" vs "a"+"10…01").
        return ClientOrderId(String(prefix: clientOrderIdPrefix, number: nextOrderNumber, width: 12))
    }

    /// OKX client order ids are at most 32 letters and digits: keep 20 for the prefix, leaving
    /// 12 digits for the counter.
    private static func sanitizedPrefix(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { scalar in
            (scalar.value >= 48 && scalar.value <= 57) || (scalar.value >= 65 && scalar.value <= 90)
                || (scalar.value >= 97 && scalar.value <= 122)
        }
        let prefix = String(String.UnicodeScalarView(kept.prefix(20)))
        return prefix.isEmpty ? "s" : prefix
    }
}
