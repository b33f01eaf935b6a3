import TradingCore

/// Fills without a book: trade execution and bar execution (see ``FillModel``).
///
/// Most history a quant can get is candles and trades, not order books, so an instrument with no
/// book in the data is priced by what there is:
///
/// - **Trade execution** (``FillModel/trades``, once a trade arrived and no book has): an arriving
///   order meets the last trade's price. Resting orders fill on later trades as they do with a
///   book whose queue is unknown: a trade strictly through the order's price fills it at its own
///   price, as maker, up to the trade's size; a trade exactly at its price does not (nobody knows
///   the queue ahead).
/// - **Bar execution** (``FillModel/candles``, confirmed candles and neither trades nor a book):
///   each bar is played as the four price points of its ``BarPath``, all stamped at the bar's
///   open time (the engine's clock for a candle). An arriving order waits for the next price
///   point, the next bar's open: the bar that made the strategy decide is already over, so
///   filling at its close would use a price from before the decision. A resting order fills at
///   its own price, as maker, when a later point of a bar that began after it arrived goes
///   strictly through its price (a touch does not: the queue is unknown). Unconfirmed candles
///   are ignored, and once an instrument has bars of one interval, coarser bars (which repeat
///   the same prices) are ignored too.
///   Paper trading on the live feed stamps each bar with its arrival time instead (the venue runs
///   on receive time there), so an order placed during a bar meets that bar's path: optimistic by
///   up to one bar, and only when the live data has no trades or book for the instrument.
/// - **Meeting a price point `p`** (arrival under trade execution, the next open under bar
///   execution): a market order fills whole at `p` plus ``PaperVenueConfiguration/slippageTicks``
///   ticks (a sell at `p` minus them, never below one tick) as taker. A limit, IOC or FOK order
///   whose price reaches `p` (a buy at or above, a sell at or below) fills whole at that slipped
///   price capped at its limit, as taker; otherwise a limit order rests, an IOC is canceled and a
///   FOK is canceled. A post-only order whose price reaches `p` is canceled (it would take),
///   otherwise it rests.
/// - **Size.** A price point has no depth: taking orders fill whole, and the slippage ticks stand
///   for the book they would have walked. Resting orders under trade execution are capped by
///   each trade's size; under bar execution they fill whole (a bar's volume is not split among
///   its prices). Keep orders small against the bars' volume, or the run will be optimistic.
/// - **A book always wins.** When an instrument's first book message arrives, orders waiting for
///   a price point match that book at once, resting orders keep resting (their queue becomes
///   known from the book), and the book model prices the instrument from then on. Trades likewise
///   replace bars: candles followed by trades switch from bar to trade execution at the first trade.
///
/// Fees, latency and order-type rules are the book model's; with no market data at all for an
/// instrument the book model's rules apply (a market order is canceled for no liquidity).
extension PaperVenue {
    /// A trade on an instrument without a book: the trades model prices the instrument from now
    /// on, and orders waiting for a price point meet this trade.
    func priceWithoutBook(_ trade: TradeTick, events: inout [VenueEvent]) {
        guard let slot = bookless.index(of: trade.instrument, creating: BooklessMarket(model: .trades)) else { return }
        bookless[slot].model = .trades
        bookless[slot].lastPrice = trade.price
        if !bookless[slot].awaiting.isEmpty {
            resolveAwaiting(trade.instrument, price: trade.price, model: .trades, at: trade.timestamp, events: &events)
        }
    }

    /// A confirmed bar on an instrument priced by bars: orders meet its price path.
    func playBar(_ candle: Candle, events: inout [VenueEvent]) {
        let id = candle.instrument
        guard let slot = bookless.index(of: id, creating: BooklessMarket(model: .candles)), bookless[slot].model == .candles else { return }
        if let interval = bookless[slot].barInterval, candle.interval.seconds > interval.seconds { return }
        bookless[slot].barInterval = candle.interval
        let path = BarPath(candle)
        let time = candle.openTime
        // Resting orders are looked up at the open and again after the orders waiting for it
        // (which may come to rest), not at every price point: a bar is the hot path of a
        // candles-only backtest, and most bars meet no resting order.
        var hasResting = !resting.isEmpty && resting[id].map { !$0.isEmpty } ?? false
        for index in 0..<BarPath.count {
            let price = path[index]
            if hasResting { fillRestingThrough(price, instrument: id, at: time, events: &events) }
            if index == 0, !bookless[slot].awaiting.isEmpty {
                resolveAwaiting(id, price: price, model: .candles, at: time, events: &events)
                hasResting = resting[id].map { !$0.isEmpty } ?? false
            }
        }
        // The slot still holds this instrument: filling orders changes values, never keys.
        bookless[slot].lastPrice = path[BarPath.count - 1]
    }

    /// An order that arrived (or was re-priced) on an instrument without a book: under trade
    /// execution it meets the last trade now, under bar execution it waits for the next open.
    func arriveWithoutBook(_ id: ClientOrderId, at time: Timestamp, events: inout [VenueEvent]) {
        guard let orderSlot = orders.slot(of: id), let slot = bookless.index(of: orders[orderSlot].request.instrument) else { return }
        bookless[slot].awaiting.removeAll { $0.clientOrderId == id }
        let market = bookless[slot]
        if market.model == .trades, let price = market.lastPrice {
            meet(id, price: price, model: .trades, at: time, events: &events)
        } else {
            bookless[slot].awaiting.append(AwaitingOrder(clientOrderId: id, arrival: time))
        }
    }

    /// The instrument's first book message: orders waiting for a price point match the book now,
    /// and the book prices the instrument from then on.
    func bookArrived(for instrument: InstrumentId, at time: Timestamp, events: inout [VenueEvent]) {
        guard let market = bookless.removeValue(forKey: instrument), let rules = instruments[instrument] else { return }
        for waiting in market.awaiting where orders.isLive(waiting.clientOrderId) {
            matchAgainstBook(waiting.clientOrderId, instrument: rules, at: time, events: &events)
        }
    }

    /// Orders waiting for a price point that arrived by `time` meet `price`; later ones keep waiting.
    private func resolveAwaiting(_ instrument: InstrumentId, price: Price, model: FillModel, at time: Timestamp,
                                 events: inout [VenueEvent]) {
        guard let slot = bookless.index(of: instrument), !bookless[slot].awaiting.isEmpty else { return }
        // The queue is swapped with an empty one of the venue's, not copied and cleared: copying
        // a shared array allocates, once per order that waits.
        var waiting: [AwaitingOrder] = []
        swap(&waiting, &awaitingScratch)
        swap(&waiting, &bookless[slot].awaiting)
        for order in waiting {
            if order.arrival > time {
                if let current = bookless.index(of: instrument) { bookless[current].awaiting.append(order) }
            } else {
                meet(order.clientOrderId, price: price, model: model, at: time, events: &events)
            }
        }
        waiting.removeAll(keepingCapacity: true)
        awaitingScratch = waiting
    }

    /// What an order does at the price point `price` (see the rules above).
    private func meet(_ id: ClientOrderId, price point: Price, model: FillModel, at time: Timestamp, events: inout [VenueEvent]) {
        guard let slot = orders.slot(of: id), orders[slot].isLive,
              let instrument = instruments[orders[slot].request.instrument] else { return }
        let request = orders[slot].request
        let remaining = orders[slot].remainingQuantity
        let taking = slipped(point, side: request.side, tick: instrument.tickSize)
        guard request.type != .market else {
            let filled = execute(id, price: taking, quantity: remaining, liquidity: .taker,
                                 instrument: instrument, model: model, at: time, events: &events)
            if !filled { finishByVenue(id, reason: .noLiquidity, at: time, events: &events) }
            return
        }
        guard let limit = request.price else { return }
        let reaches = request.side == .buy ? point <= limit : point >= limit
        if request.type == .postOnly {
            if reaches {
                finishByVenue(id, reason: .postOnlyWouldTake(price: limit, opposite: point), at: time, events: &events)
            } else {
                rest(id, at: time)
            }
            return
        }
        if reaches {
            let price = request.side == .buy ? min(taking, limit) : max(taking, limit)
            _ = execute(id, price: price, quantity: remaining, liquidity: .taker, instrument: instrument,
                        model: model, at: time, events: &events)
        }
        guard let unfilled = liveRemaining(id) else { return }
        switch request.type {
        case .ioc: finishByVenue(id, reason: .immediateOrCancelRest(unfilled: unfilled), at: time, events: &events)
        case .fok: finishByVenue(id, reason: .fillOrKillUnfillable(available: .zero), at: time, events: &events)
        default: rest(id, at: time)
        }
    }

    /// Resting orders on `instrument` that a bar's point `price` goes strictly through fill whole
    /// at their own price, as maker; orders that arrived after the bar began are left alone.
    private func fillRestingThrough(_ price: Price, instrument id: InstrumentId, at time: Timestamp, events: inout [VenueEvent]) {
        // Written in place through the dictionary slot, as fillResting(against:) does.
        guard let slot = resting.index(forKey: id), !resting.values[slot].isEmpty, let instrument = instruments[id] else { return }
        var completedAny = false
        for index in resting.values[slot].indices {
            let order = resting.values[slot][index]
            guard order.arrival <= time, order.side == .buy ? price < order.price : price > order.price,
                  let remaining = liveRemaining(order.clientOrderId) else { continue }
            if execute(order.clientOrderId, price: order.price, quantity: remaining, liquidity: .maker, instrument: instrument,
                       model: .candles, at: time, events: &events) {
                completedAny = true
            }
        }
        if completedAny { resting.values[slot].removeAll { !orders.isLive($0.clientOrderId) } }
    }

    /// `point` moved against a taker on `side` by the configured slippage, never below one tick.
    private func slipped(_ point: Price, side: Side, tick: Price) -> Price {
        let offset = tick.value.times(configuration.slippageTicks)
        if side == .buy { return Price(point.value + offset) }
        let price = point.value - offset
        return price.isPositive ? Price(price) : tick
    }
}

/// What the venue knows of an instrument that has no book.
struct BooklessMarket: Sendable {
    /// Trades or candles: the richer source seen so far.
    var model: FillModel
    /// The last price point (a trade's price, or the last point of a bar played).
    var lastPrice: Price?
    /// The shortest bar interval seen: coarser bars would replay prices the finer ones played.
    var barInterval: CandleInterval?
    /// Orders waiting for the next price point, in arrival order.
    var awaiting: [AwaitingOrder] = []
}

/// An order that arrived under bar execution and waits for the next bar's open.
struct AwaitingOrder: Sendable {
    var clientOrderId: ClientOrderId
    /// When it (or the amendment that re-priced it) reached the venue: bars that began earlier do not fill it.
    var arrival: Timestamp
}
