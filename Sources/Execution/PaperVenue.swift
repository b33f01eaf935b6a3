import TradingCore

/// A deterministic simulated OKX venue, driven by the live or replayed market data the host
/// feeds it and by event time only (no wall clock, no randomness): the same inputs give the
/// same events, byte for byte.
///
/// Fill model:
/// - **Arrival.** A request takes effect `latency` after it is made (event time). An order
///   arriving at `t` matches the venue's book as it stands at `t`: every market event stamped
///   before `t` has been applied, none at or after `t` (a request arriving at the same instant
///   as a market event goes first). Requests arrive in the order they were made.
/// - **Taking liquidity** (market orders, and the crossing part of limit/IOC/FOK orders):
///   walk the other side of the book level by level, best first, filling `min(level, rest)` at
///   each level's price as taker, one ``Fill`` per level. The taken size is removed from the
///   venue's copy of the book, so two orders in the same instant never fill the same
///   liquidity; the next book message for that level restores the exchange's view.
/// - **market**: the rest after the visible book is exhausted is canceled (OKX cancels a
///   market order's unfillable rest); with an empty side nothing fills and the order is canceled.
///   Size is in base currency for spot (OKX `tgtCcy=base_ccy`), contracts otherwise.
/// - **limit**: takes what crosses up to its price, then rests at its price as maker.
/// - **post_only**: canceled if it would take at arrival (or after an amendment), else rests.
/// - **ioc**: takes what is available at its price or better, the rest is canceled.
/// - **fok**: fills completely as taker if the book holds its size at its price or better,
///   otherwise it is canceled with nothing filled.
/// - **Resting orders fill only on public trades** (conservative: a book that merely crosses a
///   resting order does not fill it). A trade strictly through the order's price fills it
///   at its own price. A trade exactly at its price (taker on the other side) first consumes
///   the queue ahead, and only the rest of its size can fill the order. A trade's size is shared
///   among our resting orders in price-time priority (best price first, then arrival) and never
///   fills more than printed.
/// - **Trades from before the order.** Channels arrive out of step, so a trade stamped before an
///   order reached the venue (or before the amendment that re-queued it arrived) can be fed after
///   the order started resting: it neither fills that order nor consumes its queue.
/// - **Queue ahead** is set when an order starts resting, and again when an amendment changes its
///   price or raises its size: the size at its price in the venue's book, zero when the price is
///   inside the visible depth with no level there (a gap) or better than the best level. Beyond the
///   last visible level on its side (books5 shows five levels, bbo-tbt one), or with that side
///   empty, the queue is unknown: trades at its price do not fill it (conservative; trades through
///   it still do) until a book message shows its price inside the visible depth, which sets the
///   queue as above.
/// - **A smaller level caps the queue.** When a book message shows the level smaller than the
///   queue ahead, the queue ahead becomes the level's size (a level out of view leaves it alone).
///   The book can arrive before the trades that shrank it, so the size the cap removed is kept as
///   a credit: a trade at the price first uses up the credit (those sizes already left the queue),
///   then consumes the queue, and only the rest can fill the order. When the level shrank by
///   cancellations ahead, no trade ever explains the credit and the next trades at the price
///   are spent on it: conservative, the order fills as if nobody ahead had canceled.
/// - Fees per ``FeeSchedule``; venue ids `PAPER-<tag>-<sequence>` in arrival order.
///
/// Without a book (most history is candles and trades), see ``FillModel``: trade execution takes
/// at the last trade and bar execution at each confirmed bar's ``BarPath``, both with
/// ``PaperVenueConfiguration/slippageTicks`` against the taker; a book, once an instrument has
/// one, always wins. Details in PaperVenue+WithoutBook.swift.
///
/// Not modelled: stop orders (the venue has none), price-limit bands, reduce-only enforcement
/// (the risk engine checks position limits), order expiry. Paper orders never trade with each
/// other: a resting paper order is not in the venue's book copy, so another paper order cannot
/// take it (no self-trades).
public final class PaperVenue: ExecutionVenue {
    public let configuration: PaperVenueConfiguration
    public let mode: TradingMode

    // State read on every market event skips Swift's dynamic exclusivity checks: one event loop
    // owns the venue, and the venue never calls out while it holds an access (its events go into
    // the caller's buffer, not to callbacks).
    @exclusivity(unchecked) var instruments: [InstrumentId: Instrument]
    @exclusivity(unchecked) var books: [InstrumentId: OrderBook] = [:]
    /// Every order the venue knows; hot paths find an order's slot once and work on it there.
    var orders = VenueOrders()
    /// Orders stored in a terminal state since the last ``forgetCompletedOrders()``.
    @exclusivity(unchecked) private var endedOrders: [ClientOrderId] = []
    @exclusivity(unchecked) var resting: [InstrumentId: [RestingOrder]] = [:]
    /// Instruments without a book that trades or candles have priced (see PaperVenue+WithoutBook).
    @exclusivity(unchecked) var bookless = BooklessMarkets()
    /// An empty queue of orders waiting for a price point, with capacity (``resolveAwaiting``).
    @exclusivity(unchecked) var awaitingScratch: [AwaitingOrder] = []
    @exclusivity(unchecked) private var inFlight: [InFlightRequest] = []
    @exclusivity(unchecked) private var inFlightHead = 0
    private var nextSequence: UInt64 = 1
    /// `PAPER-`, then the session tag and a dash when there is one.
    private let venueOrderIdPrefix: String
    /// The latest time the venue has seen.
    @exclusivity(unchecked) public private(set) var clock: Timestamp = .zero

    /// A venue trading `instruments` (unknown instruments are rejected).
    public init(instruments: [Instrument], configuration: PaperVenueConfiguration = PaperVenueConfiguration(),
                mode: TradingMode = .paper) {
        self.instruments = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.configuration = configuration
        venueOrderIdPrefix = configuration.orderIdSessionTag.isEmpty ? "PAPER-" : "PAPER-\(configuration.orderIdSessionTag)-"
        self.mode = mode
    }

    // MARK: Requests

    public func submit(_ request: OrderRequest, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard orders.slot(of: request.clientOrderId) == nil else { throw .duplicateClientOrderId(request.clientOrderId) }
        moveClock(to: time, events: &events)
        // Without a book the slippage reference is the last price point (trade or bar close).
        let reference = books[request.instrument]?.mid ?? bookless[request.instrument]?.lastPrice
        let lifecycle = OrderLifecycle(request: request, mode: mode, decisionMid: reference)
        orders.add(lifecycle)
        events.append(.sent(lifecycle.record))
        enqueue(InFlightRequest(kind: .submit, clientOrderId: request.clientOrderId,
                                arrival: time.advanced(byNanoseconds: configuration.latencyNanoseconds)), events: &events)
    }

    public func cancel(_ clientOrderId: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) throws(VenueRequestError) {
        guard orders.slot(of: clientOrderId) != nil else { throw .unknownOrder(clientOrderId) }
        moveClock(to: time, events: &events)
        enqueue(InFlightRequest(kind: .cancel, clientOrderId: clientOrderId,
                                arrival: time.advanced(byNanoseconds: configuration.latencyNanoseconds)), events: &events)
    }

    public func amend(_ clientOrderId: ClientOrderId, quantity: Quantity?, price: Price?, at time: Timestamp,
                      events: inout [VenueEvent]) throws(VenueRequestError) {
        guard orders.slot(of: clientOrderId) != nil else { throw .unknownOrder(clientOrderId) }
        guard quantity != nil || price != nil else { throw .emptyAmendment(clientOrderId) }
        moveClock(to: time, events: &events)
        enqueue(InFlightRequest(kind: .amend(quantity: quantity, price: price), clientOrderId: clientOrderId,
                                arrival: time.advanced(byNanoseconds: configuration.latencyNanoseconds)), events: &events)
    }

    public func attributeRealizedPnl(_ amount: Money, to clientOrderId: ClientOrderId) -> TradeRecord? {
        // One lookup: a client order id hashes its whole text, and this runs at every fill.
        guard let slot = orders.slot(of: clientOrderId) else { return nil }
        orders[slot].attributeRealizedPnl(amount)
        return orders[slot].record
    }

    public func record(of clientOrderId: ClientOrderId) -> TradeRecord? { orders.slot(of: clientOrderId).map { orders[$0].record } }

    public func realizedPnl(of clientOrderId: ClientOrderId) -> Money? { orders.slot(of: clientOrderId).map { orders[$0].realizedPnl } }

    /// The lifecycle value of an order (for inspection and tests).
    public func lifecycle(of clientOrderId: ClientOrderId) -> OrderLifecycle? { orders[clientOrderId] }

    /// Records of the orders still pending or live, in client order id order.
    public var openOrders: [TradeRecord] {
        orders.all.filter { !$0.status.isTerminal }.map(\.record).sorted { $0.clientOrderId.rawValue < $1.clientOrderId.rawValue }
    }

    /// Drops finished orders from memory (after the host has persisted them and attributed
    /// their PnL); their ids stay unusable only as long as the host remembers them.
    public func forgetCompletedOrders() {
        // Called at every mark: only the orders that ended since the last call are looked at.
        guard !endedOrders.isEmpty else { return }
        for id in endedOrders {
            if let slot = orders.slot(of: id), orders[slot].status.isTerminal { orders.remove(id) }
        }
        endedOrders.removeAll(keepingCapacity: true)
    }

    /// The order in `slot` was changed there: one that ended is noted for ``forgetCompletedOrders()``.
    func changed(_ slot: VenueOrders.Slot) {
        if orders[slot].status.isTerminal { endedOrders.append(orders[slot].request.clientOrderId) }
    }

    /// The venue's copy of an instrument's book (after its own fills took liquidity).
    public func book(of instrument: InstrumentId) -> OrderBook? { books[instrument] }

    // MARK: Market data and time

    public var requestLatencyNanoseconds: Int64 { configuration.latencyNanoseconds }

    /// The fill model the venue uses for an instrument now; nil before any market data for it.
    public func fillModel(of instrument: InstrumentId) -> FillModel? {
        books[instrument] != nil ? .book : bookless[instrument]?.model
    }

    /// The fill model of every instrument the venue has market data for.
    public var fillModels: [InstrumentId: FillModel] {
        var models = bookless.models
        for instrument in books.keys { models[instrument] = .book }
        return models
    }

    /// A book message: the venue's copy of the book follows it, and resting orders' queue
    /// positions shrink with the size ahead of them.
    public func handle(book update: BookUpdate, events: inout [VenueEvent]) {
        moveClock(to: update.timestamp, events: &events)
        // Mutated in place: taking the book out of the dictionary would copy its levels.
        books[update.instrument, default: OrderBook(instrument: update.instrument)].apply(update)
        shrinkQueues(of: update.instrument)
        if !bookless.isEmpty { bookArrived(for: update.instrument, at: update.timestamp, events: &events) }
    }

    /// A public trade: resting orders it crosses (or whose queue it clears) fill; without a book
    /// it is also the price that orders take at (trade execution).
    public func handle(trade: TradeTick, events: inout [VenueEvent]) {
        moveClock(to: trade.timestamp, events: &events)
        if books[trade.instrument] == nil { priceWithoutBook(trade, events: &events) }
        fillResting(against: trade, events: &events)
    }

    /// A candle: without a book or trades for its instrument, a confirmed one is the price path
    /// orders meet (bar execution); otherwise it only moves the clock.
    public func handle(candle: Candle, events: inout [VenueEvent]) {
        moveClock(to: candle.openTime, events: &events)
        guard candle.isConfirmed != false, books.isEmpty || books[candle.instrument] == nil else { return }
        playBar(candle, events: &events)
    }

    public func advance(to time: Timestamp, events: inout [VenueEvent]) {
        moveClock(to: time, events: &events)
    }

    /// Advances the clock (never backwards) and processes every request that has arrived by then.
    private func moveClock(to time: Timestamp, events: inout [VenueEvent]) {
        if time > clock { clock = time }
        while inFlightHead < inFlight.count, inFlight[inFlightHead].arrival <= clock {
            let request = inFlight[inFlightHead]
            inFlightHead += 1
            process(request, events: &events)
        }
        if inFlightHead == inFlight.count, inFlightHead > 0 {
            inFlight.removeAll(keepingCapacity: true)
            inFlightHead = 0
        }
    }

    private func enqueue(_ request: InFlightRequest, events: inout [VenueEvent]) {
        inFlight.append(request)
        moveClock(to: clock, events: &events)
    }

    private func process(_ request: InFlightRequest, events: inout [VenueEvent]) {
        switch request.kind {
        case .submit: arrive(request.clientOrderId, at: request.arrival, events: &events)
        case .cancel: cancelArrived(request.clientOrderId, at: request.arrival, events: &events)
        case .amend(let quantity, let price):
            amendArrived(request.clientOrderId, quantity: quantity, price: price, at: request.arrival, events: &events)
        }
    }

    private func nextVenueOrderId() -> VenueOrderId {
        defer { nextSequence += 1 }
        return VenueOrderId(String(prefix: venueOrderIdPrefix, number: nextSequence, width: 8))
    }

    // MARK: Order arrival

    private func arrive(_ id: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id), orders[slot].status == .pending else { return }
        let venueOrderId = nextVenueOrderId()
        if let rejection = validate(orders[slot].request) {
            try? orders[slot].reject(venueOrderId: venueOrderId, reason: rejection.description, at: time)
            changed(slot)
            events.append(.rejected(orders[slot].record, reason: rejection))
            return
        }
        try? orders[slot].accept(venueOrderId: venueOrderId, at: time)
        let instrumentId = orders[slot].request.instrument
        let model = fillModel(of: instrumentId)
        orders[slot].noteFillModel(model)
        changed(slot)
        events.append(.accepted(orders[slot].record))
        guard let instrument = instruments[instrumentId] else { return }
        if model != nil, model != .book {
            arriveWithoutBook(id, at: time, events: &events)
            return
        }
        matchAgainstBook(id, instrument: instrument, at: time, events: &events)
    }

    /// What an order that has just arrived does against the venue's book (or, with no market data
    /// at all, against nothing: a market order is canceled, a limit order rests).
    func matchAgainstBook(_ id: ClientOrderId, instrument: Instrument, at time: Timestamp, events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id) else { return }
        let request = orders[slot].request
        switch request.type {
        case .market:
            let hadLiquidity = available(on: request.instrument, for: request.side, limit: nil).isPositive
            take(id, instrument: instrument, limit: nil, at: time, events: &events)
            if let rest = liveRemaining(id) {
                finishByVenue(id, reason: hadLiquidity ? .bookExhausted(unfilled: rest) : .noLiquidity, at: time, events: &events)
            }
        case .limit:
            take(id, instrument: instrument, limit: request.price, at: time, events: &events)
            if liveRemaining(id) != nil { rest(id, at: time) }
        case .postOnly:
            if let price = request.price, let opposite = crossingPrice(of: request.instrument, side: request.side, limit: price) {
                finishByVenue(id, reason: .postOnlyWouldTake(price: price, opposite: opposite), at: time, events: &events)
            } else {
                rest(id, at: time)
            }
        case .ioc:
            take(id, instrument: instrument, limit: request.price, at: time, events: &events)
            if let rest = liveRemaining(id) {
                finishByVenue(id, reason: .immediateOrCancelRest(unfilled: rest), at: time, events: &events)
            }
        case .fok:
            let availableSize = available(on: request.instrument, for: request.side, limit: request.price)
            if availableSize >= request.quantity.value {
                take(id, instrument: instrument, limit: request.price, at: time, events: &events)
            } else {
                finishByVenue(id, reason: .fillOrKillUnfillable(available: Quantity(availableSize)), at: time, events: &events)
            }
        }
    }

    private func validate(_ request: OrderRequest) -> VenueRejection? {
        guard let instrument = instruments[request.instrument] else { return .unknownInstrument(request.instrument) }
        switch request.instrument.kind {
        case .option:
            return .unsupportedInstrument(request.instrument, reason: "the paper venue does not trade options")
        case .swap, .futures:
            guard instrument.contractValue != nil else {
                return .unsupportedInstrument(request.instrument, reason: "no contract value (ctVal) configured")
            }
            if instrument.contractCurrency == request.instrument.quote {
                return .unsupportedInstrument(request.instrument, reason: "coin-margined (inverse) contracts are not supported; use a USDT-margined one")
            }
        case .spot:
            break
        }
        if request.quantity.isZero || request.quantity < instrument.minSize {
            return .quantityBelowMinimum(request.quantity, minimum: instrument.minSize)
        }
        if !request.quantity.value.isMultiple(of: instrument.lotSize.value) {
            return .quantityOffLotGrid(request.quantity, lotSize: instrument.lotSize)
        }
        if request.type.hasLimitPrice {
            guard let price = request.price, !price.isZero else { return .missingLimitPrice(request.type) }
            if !price.value.isMultiple(of: instrument.tickSize.value) {
                return .priceOffTickGrid(price, tickSize: instrument.tickSize)
            }
        }
        return nil
    }

    /// The unfilled size of a live order, nil if it is no longer live or fully filled.
    func liveRemaining(_ id: ClientOrderId) -> Quantity? {
        guard let slot = orders.slot(of: id), orders[slot].isLive else { return nil }
        let remaining = orders[slot].remainingQuantity
        return remaining.isZero ? nil : remaining
    }

    func finishByVenue(_ id: ClientOrderId, reason: VenueCancelReason, at time: Timestamp, events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id) else { return }
        try? orders[slot].cancel(reason: reason.description, at: time)
        changed(slot)
        removeResting(id, instrument: orders[slot].request.instrument)
        events.append(.canceled(orders[slot].record, reason: reason))
    }

    // MARK: Taking liquidity

    /// The best opposite price that a `side` order limited at `limit` would trade against, if any.
    private func crossingPrice(of instrument: InstrumentId, side: Side, limit: Price) -> Price? {
        guard let book = books[instrument] else { return nil }
        if side == .buy, let ask = book.bestAsk?.price, ask <= limit { return ask }
        if side == .sell, let bid = book.bestBid?.price, bid >= limit { return bid }
        return nil
    }

    /// The size on the other side of the book at `limit` or better (all of it without a limit).
    private func available(on instrument: InstrumentId, for side: Side, limit: Price?) -> FixedPoint {
        guard let book = books[instrument] else { return .zero }
        var total = FixedPoint.zero
        for level in side == .buy ? book.asks : book.bids {
            if let limit, side == .buy ? level.price > limit : level.price < limit { break }
            total += level.size.value
        }
        return total
    }

    /// Fills as much of the order as the book allows at `limit` or better, level by level.
    private func take(_ id: ClientOrderId, instrument: Instrument, limit: Price?, at time: Timestamp, events: inout [VenueEvent]) {
        // Levels are read and written through the dictionary: a local copy of the book would make
        // every `set` copy its level array.
        guard let slot = orders.slot(of: id) else { return }
        let side = orders[slot].request.side
        while let remaining = liveRemaining(id) {
            guard let level = side == .buy ? books[instrument.id]?.bestAsk : books[instrument.id]?.bestBid else { return }
            if let limit, side == .buy ? level.price > limit : level.price < limit { return }
            let size = min(level.size, remaining)
            guard execute(id, price: level.price, quantity: size, liquidity: .taker, instrument: instrument,
                          model: .book, at: time, events: &events) else { return }
            books[instrument.id]?.set(BookLevel(price: level.price, size: level.size.subtractingClamped(size),
                                                orderCount: level.orderCount), on: side.opposite)
        }
    }

    /// Records one execution and emits its fill; false if it could not be recorded.
    func execute(_ id: ClientOrderId, price: Price, quantity: Quantity, liquidity: Liquidity,
                 instrument: Instrument, model: FillModel, at time: Timestamp, events: inout [VenueEvent]) -> Bool {
        // A fill that is refused changes nothing: recordFill checks everything before it changes the order.
        guard let slot = orders.slot(of: id), let venueOrderId = orders[slot].venueOrderId else { return false }
        let side = orders[slot].request.side
        guard let charge = try? configuration.fees.charge(instrument: instrument, side: side, price: price,
                                                          quantity: quantity, liquidity: liquidity),
              (try? orders[slot].recordFill(price: price, quantity: quantity, fee: charge.amount,
                                            feeAsset: charge.currency, at: time)) != nil
        else { return false }
        orders[slot].noteFillModel(model)
        changed(slot)
        let request = orders[slot].request
        let fill = Fill(clientOrderId: id, venueOrderId: venueOrderId, strategy: request.strategy,
                        instrument: request.instrument, side: side, positionSide: request.positionSide,
                        price: price, quantity: quantity, fee: charge.amount, feeCurrency: charge.currency,
                        liquidity: liquidity, timestamp: time)
        events.append(.filled(fill, orders[slot].record))
        return true
    }

    // MARK: Resting orders

    /// Puts a live order in the book at its price, arriving at `time`.
    func rest(_ id: ClientOrderId, at time: Timestamp) {
        guard let slot = orders.slot(of: id), let price = orders[slot].request.price else { return }
        let instrument = orders[slot].request.instrument
        let side = orders[slot].request.side
        let queue = books[instrument].flatMap { Self.visibleQueue(in: side == .buy ? $0.bids : $0.asks, side: side, price: price) }
        let waiting = RestingOrder(clientOrderId: id, side: side, price: price, arrival: time, queueAhead: queue)
        // Kept in price-time priority per side, so a trade through several of them fills the
        // best-priced first, as an exchange's matching would.
        let position = resting[instrument]?.firstIndex { $0.side == side && (side == .buy ? $0.price < price : $0.price > price) }
        resting[instrument, default: []].insert(waiting, at: position ?? resting[instrument]?.count ?? 0)
    }

    func removeResting(_ id: ClientOrderId, instrument: InstrumentId) {
        resting[instrument]?.removeAll { $0.clientOrderId == id }
    }

    /// The size ahead of an order joining `price` on the `side` whose levels are `levels` (best
    /// first): the level's size, zero without a level there; nil (unknown) beyond the last level.
    private static func visibleQueue(in levels: [BookLevel], side: Side, price: Price) -> FixedPoint? {
        guard let worst = levels.last?.price, side == .buy ? price >= worst : price <= worst else { return nil }
        for level in levels {
            if level.price == price { return level.size.value }
            if side == .buy ? level.price < price : level.price > price { break }
        }
        return .zero
    }

    /// After a book message: unknown queues whose price came into view get the level's size, known
    /// ones are capped at it (keeping what the cap removed as credit for the trades behind it).
    private func shrinkQueues(of instrument: InstrumentId) {
        // Orders are written in place through their dictionary slot: a local copy of the array
        // would be copied by the first write.
        guard let slot = resting.index(forKey: instrument), !resting.values[slot].isEmpty,
              let book = books[instrument] else { return }
        for index in resting.values[slot].indices {
            let order = resting.values[slot][index]
            guard let visible = Self.visibleQueue(in: order.side == .buy ? book.bids : book.asks, side: order.side,
                                                  price: order.price) else { continue }
            guard let queue = order.queueAhead else {
                resting.values[slot][index].queueAhead = visible
                continue
            }
            if visible < queue {
                resting.values[slot][index].queueAhead = visible
                resting.values[slot][index].clampCredit += queue - visible
            }
        }
    }

    private func fillResting(against trade: TradeTick, events: inout [VenueEvent]) {
        // Written in place through the dictionary slot (see shrinkQueues); nothing below adds or
        // removes instruments, so the slot stays valid, and filled orders leave only after the loop.
        guard let slot = resting.index(forKey: trade.instrument), !resting.values[slot].isEmpty,
              let instrument = instruments[trade.instrument] else { return }
        var printed = trade.quantity.value
        var completedAny = false
        for index in resting.values[slot].indices {
            guard printed.isPositive else { break }
            let order = resting.values[slot][index]
            guard trade.timestamp >= order.arrival else { continue }
            let through = order.side == .buy ? trade.price < order.price : trade.price > order.price
            let atPrice = trade.price == order.price && trade.side == order.side.opposite
            guard through || atPrice else { continue }
            if atPrice {
                // With the queue unknown, the whole print may have been ahead of the order.
                guard let queue = order.queueAhead else { continue }
                let explained = min(order.clampCredit, printed)
                let consumed = min(queue, printed - explained)
                if explained.isPositive || consumed.isPositive {
                    resting.values[slot][index].clampCredit -= explained
                    resting.values[slot][index].queueAhead = queue - consumed
                    printed -= explained + consumed
                }
                guard printed.isPositive else { break }
            }
            guard let remaining = liveRemaining(order.clientOrderId) else { continue }
            let size = Quantity(min(remaining.value, printed))
            // A resting order filled by a trade is the book model's when a book is there, else the trades model's.
            if execute(order.clientOrderId, price: order.price, quantity: size, liquidity: .maker, instrument: instrument,
                       model: books[trade.instrument] == nil ? .trades : .book, at: trade.timestamp, events: &events) {
                printed -= size.value
                if size == remaining { completedAny = true }
            }
        }
        if completedAny { resting.values[slot].removeAll { !orders.isLive($0.clientOrderId) } }
    }

    // MARK: Cancel and amend

    private func cancelArrived(_ id: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id) else { return }
        do {
            try orders[slot].cancel(reason: nil, at: time)
        } catch {
            events.append(.cancelRejected(orders[slot].record, reason: "order is already \(orders[slot].status.rawValue)"))
            return
        }
        changed(slot)
        removeResting(id, instrument: orders[slot].request.instrument)
        events.append(.canceled(orders[slot].record, reason: nil))
    }

    private func amendArrived(_ id: ClientOrderId, quantity: Quantity?, price: Price?, at time: Timestamp,
                              events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id) else { return }
        func refuse(_ reason: String) { events.append(.amendRejected(orders[slot].record, reason: reason)) }
        let request = orders[slot].request
        guard orders[slot].isLive, let instrument = instruments[request.instrument] else {
            return refuse("order is \(orders[slot].status.rawValue), not live")
        }
        guard request.type == .limit || request.type == .postOnly else {
            return refuse("a \(request.type.rawValue) order cannot be amended")
        }
        if let quantity, !quantity.value.isMultiple(of: instrument.lotSize.value) {
            return refuse(VenueRejection.quantityOffLotGrid(quantity, lotSize: instrument.lotSize).description)
        }
        if let price, price.isZero || !price.value.isMultiple(of: instrument.tickSize.value) {
            return refuse(VenueRejection.priceOffTickGrid(price, tickSize: instrument.tickSize).description)
        }
        do {
            // Changes nothing when it refuses.
            try orders[slot].amend(quantity: quantity, price: price, at: time)
        } catch {
            return refuse(error.description)
        }
        changed(slot)
        events.append(.amended(orders[slot].record))
        let amended = orders[slot].request
        guard orders[slot].isLive, let newPrice = amended.price else {
            removeResting(id, instrument: amended.instrument)
            return
        }
        let losesPriority = newPrice != request.price || amended.quantity > request.quantity
        guard losesPriority else { return }
        removeResting(id, instrument: amended.instrument)
        if amended.type == .postOnly,
           let opposite = crossingPrice(of: amended.instrument, side: amended.side, limit: newPrice) {
            finishByVenue(id, reason: .postOnlyWouldTake(price: newPrice, opposite: opposite), at: time, events: &events)
            return
        }
        if books[amended.instrument] == nil, bookless[amended.instrument] != nil {
            arriveWithoutBook(id, at: time, events: &events)
            return
        }
        take(id, instrument: instrument, limit: newPrice, at: time, events: &events)
        if liveRemaining(id) != nil { rest(id, at: time) }
    }
}

/// A request on its way to the venue.
struct InFlightRequest: Sendable {
    enum Kind: Sendable {
        case submit
        case cancel
        case amend(quantity: Quantity?, price: Price?)
    }
    var kind: Kind
    var clientOrderId: ClientOrderId
    var arrival: Timestamp
}

/// A live limit or post-only order waiting in the book for trades.
struct RestingOrder: Sendable {
    var clientOrderId: ClientOrderId
    var side: Side
    var price: Price
    /// When the order, or the amendment that re-queued it, reached the venue: trades stamped
    /// earlier never fill it.
    var arrival: Timestamp
    /// Size ahead of this order at its price that must trade before it fills; nil (unknown) while
    /// its price has been beyond the visible depth.
    var queueAhead: FixedPoint?
    /// Size a smaller level removed from `queueAhead` that no trade at the price has accounted for
    /// yet: the next such trades are taken to be that size, already gone from the queue.
    var clampCredit: FixedPoint = .zero
}
