import Execution
import Ledger
import Portfolio
import Risk
@_spi(Host) import StrategyKit
import TradingCore

/// One input of the engine's work queue: what a venue reported, or a command a strategy issued.
enum EngineWork {
    case venue(VenueEvent)
    case command(OrderCommand, strategy: Int)
}

extension TradingEngine {
    /// How many commands one strategy may issue within one pass of the work queue (a pass ends
    /// before the input that started it does): a strategy that answers each of its order
    /// callbacks with new orders would otherwise never let the input finish.
    static let maximumCommandsPerInput = 1_000

    /// Queues the commands a strategy issued in the callback that just returned, then processes
    /// the queue.
    func finishCallback(_ result: CallbackResult, strategy index: Int) {
        handle(result, strategy: index)
        withRunner(index) { runner in
            if runner.context.hasPendingCommands { runner.context.drainOutbox { work.append(.command($0, strategy: index)) } }
        }
        processWork()
    }

    /// Queues what the venue reported since the last call, then processes the queue.
    func processVenueEvents() {
        if venue.hasNotices { carryOutVenueNotices() }
        guard !venueEvents.isEmpty else { return }
        queueVenueEvents()
        processWork()
    }

    /// Moves what the venue reported into the work queue.
    private func queueVenueEvents() {
        for event in venueEvents { work.append(.venue(event)) }
        venueEvents.removeAll(keepingCapacity: true)
    }

    /// Takes what the venue reported besides order events and carries out its halts at once:
    /// the venue found them while handling the current input (an exchange's reconciliation found
    /// a position no order explains), and no strategy may trade on that input first. The halted
    /// strategies' open orders are canceled after the events the venue reported with the halt.
    /// The host records the notices (``takeVenueNotices()``); it also calls this at start-up, for
    /// what the venue found while connecting.
    public func carryOutVenueNotices() {
        var halted: [Int] = []
        for notice in venue.takeNotices() {
            guard case .halt(let strategies, let eventType, let reason) = notice else {
                venueNotices.append(notice)
                continue
            }
            var names: Set<StrategyName> = []
            for index in runners.indices where strategies?.contains(runners[index].name) ?? true {
                let name = runners[index].name
                guard risk.state(of: name) != .halted else { continue }
                risk.adoptPersistedState(.halted, for: name)
                halted.append(index)
                names.insert(name)
            }
            if !names.isEmpty { venueNotices.append(.halt(strategies: names, eventType: eventType, reason: reason)) }
        }
        guard !halted.isEmpty else { return }
        queueVenueEvents()
        for index in halted { cancelOpenOrders(of: index) }
    }

    /// The venue's notices since the last call, for the host to record; a halt among them names
    /// the strategies it halted, which ``carryOutVenueNotices()`` already stopped.
    public func takeVenueNotices() -> [VenueNotice] {
        defer { venueNotices.removeAll() }
        return venueNotices
    }

    /// Processes the work queue to completion, in order. Work added while it runs (a strategy's
    /// answer to a fill, the venue's answer to an order) joins the end of the same queue: a call
    /// made from inside returns at once and the outermost call carries on.
    func processWork() {
        guard !processingWork, workHead < work.count else { return }
        processingWork = true
        defer {
            processingWork = false
            work.removeAll(keepingCapacity: true)
            workHead = 0
            if !commandsThisInput.isEmpty { commandsThisInput.removeAll(keepingCapacity: true) }
        }
        while workHead < work.count {
            let item = work[workHead]
            workHead += 1
            switch item {
            case .venue(let event): process(event)
            case .command(let command, let index): process(command, strategy: index)
            }
        }
    }

    // MARK: Commands

    private func process(_ command: OrderCommand, strategy index: Int) {
        let issued = commandsThisInput[index, default: 0] + 1
        commandsThisInput[index] = issued
        guard issued <= Self.maximumCommandsPerInput else {
            if issued == Self.maximumCommandsPerInput + 1 {
                logger.warning("strategy keeps issuing orders from its order callbacks within one input; dropping the rest of this input's commands",
                               metadata: ["strategy": "\(runners[index].name)", "limit": "\(Self.maximumCommandsPerInput)"])
            }
            return
        }
        switch command {
        case .submit(let request): submit(request, strategy: index)
        case .cancel(let id, let instrument): cancel(id, on: instrument, strategy: index)
        case .amend(let id, let instrument, let quantity, let price):
            amend(id, on: instrument, quantity: quantity, price: price, strategy: index)
        }
    }

    private func marketSnapshot(of instrument: InstrumentId) -> MarketSnapshot {
        markets.existingSlot(of: instrument).map { markets[$0].snapshot }
            ?? MarketSnapshot(bestBid: nil, bestAsk: nil, bookIsValid: false, lastDataTime: .zero)
    }

    private func submit(_ original: OrderRequest, strategy index: Int) {
        let name = runners[index].name
        counts.orders += 1
        strategyFigures[index].orders += 1
        var request = original
        var market = marketSnapshot(of: request.instrument)
        if request.type == .market, let slot = markets.existingSlot(of: request.instrument) {
            market.marketOrderPrice = markets[slot].sweepPrice(request.side, quantity: request.quantity)
        }
        switch risk.check(request, strategy: handles[index], market: market) {
        case .accepted:
            break
        case .trimmed(let quantity, _):
            request.quantity = quantity
        case .rejected(let breach):
            refuse(.submit(original), breach: breach, strategy: index)
            return
        }
        // The ledger holds the order as sent, so the strategy sees the size the risk check allowed.
        ledger.recordSent(request)
        do {
            try venue.submit(request, at: clock, events: &venueEvents)
        } catch {
            ledger.recordEnded(request.clientOrderId, of: name)
            refuse(.submit(request), code: "venue_refused", reason: String(describing: error), strategy: index)
            return
        }
        processVenueEvents()
    }

    private func cancel(_ id: ClientOrderId, on instrument: InstrumentId, strategy index: Int) {
        let name = runners[index].name
        let command = OrderCommand.cancel(clientOrderId: id, instrument: instrument)
        guard ledger.recordCancelRequested(id, of: name) else {
            refuse(command, code: "cancel_refused", reason: "order \(id) is no longer open", strategy: index)
            return
        }
        do {
            try venue.cancel(id, at: clock, events: &venueEvents)
        } catch {
            ledger.recordCancelRefused(id, of: name)
            refuse(command, code: "cancel_refused", reason: String(describing: error), strategy: index)
            return
        }
        processVenueEvents()
    }

    /// An amend that raises the size or moves the price is checked like a new order for its new
    /// rest; one that only lowers the size needs no check.
    private func amend(_ id: ClientOrderId, on instrument: InstrumentId, quantity: Quantity?, price: Price?, strategy index: Int) {
        let name = runners[index].name
        let command = OrderCommand.amend(clientOrderId: id, instrument: instrument, newQuantity: quantity, newPrice: price)
        guard let order = ledger.openOrder(id, of: name) else {
            refuse(command, code: "amend_refused", reason: "order \(id) is no longer open", strategy: index)
            return
        }
        var quantity = quantity
        let raises = quantity.map { $0 > order.request.quantity } ?? false
        let moves = price.map { $0 != order.price } ?? false
        if raises || moves {
            switch risk.checkAmend(of: order, quantity: quantity, price: price, at: clock, strategy: handles[index],
                                   market: marketSnapshot(of: order.instrument)) {
            case .accepted:
                break
            case .trimmed(let rest, _):
                quantity = order.filledQuantity + rest
            case .rejected(let breach):
                refuse(command, breach: breach, strategy: index)
                return
            }
        }
        ledger.recordAmendRequested(id, of: name, quantity: quantity)
        do {
            try venue.amend(id, quantity: quantity, price: price, at: clock, events: &venueEvents)
        } catch {
            ledger.recordAmendRefused(id, of: name)
            refuse(command, code: "amend_refused", reason: String(describing: error), strategy: index)
            return
        }
        processVenueEvents()
    }

    /// The risk engine refused the command: counted, and the strategy told which check and why.
    private func refuse(_ command: OrderCommand, breach: RiskBreach, strategy index: Int) {
        counts.riskRejections += 1
        strategyFigures[index].riskRejections += 1
        refuse(command, code: breach.metricName,
               reason: "\(breach.check.code): \(breach.metricValue) against limit \(breach.thresholdValue)", strategy: index)
    }

    private func refuse(_ command: OrderCommand, code: String, reason: String, strategy index: Int) {
        finishCallback(runners[index].orderRejected(OrderRejection(command: command, code: code, reason: reason), at: clock),
                       strategy: index)
    }

    // MARK: Venue events

    private func count(_ outcome: VenueOutcome) {
        if let position = VenueOutcome.allCases.firstIndex(of: outcome) { outcomeCounts[position] += 1 }
    }

    /// Routes what the venue reported to the outbox, the ledger, the risk engine and the strategy.
    private func process(_ event: VenueEvent) {
        // A fill, most of an order's events, takes its own path: binding an event's record copies it.
        if case .filled(let fill, var record) = event {
            guard let index = runnerIndex[record.strategy] else { return }
            if let outcome = event.outcome { count(outcome) }
            applyFill(fill, record: &record, strategy: index)
            return
        }
        var record = event.record
        guard let index = runnerIndex[record.strategy] else { return }
        // The venue made this record before the engine accounted the fills that preceded it in
        // the same batch (a market order's fills, then its cancel): their realized PnL is in the
        // venue's record of the order now, and the row and the rollup must carry it. An order
        // just sent has no fills yet.
        if case .sent = event {} else if let realized = venue.realizedPnl(of: record.clientOrderId) { record.realizedPnl = realized }
        let id = record.clientOrderId
        let name = runners[index].name
        if let outcome = event.outcome { count(outcome) }
        switch event {
        case .sent:
            keep(.order(record))
        case .accepted:
            keep(.order(record))
            if let order = ledger.recordAccepted(id, of: name) {
                finishCallback(runners[index].orderAccepted(order, at: clock), strategy: index)
            }
        case .rejected(_, let reason):
            counts.venueRejections += 1
            keep(.order(record))
            if let order = ledger.recordEnded(id, of: name) {
                refuse(.submit(order.request), code: "venue_rejected", reason: reason.description, strategy: index)
            }
        case .filled:
            break // taken above
        case .canceled, .expired:
            keep(.order(record))
            let order = ledger.recordEnded(id, of: name)
            orderCompleted(record, strategy: index)
            if let order { finishCallback(runners[index].orderCanceled(order, at: clock), strategy: index) }
        case .amended:
            keep(.order(record))
            ledger.recordAmended(id, of: name, quantity: record.quantity, price: record.price)
            // An amend down to the filled size completes the order.
            if record.status.isTerminal {
                ledger.recordEnded(id, of: name)
                orderCompleted(record, strategy: index)
            }
        case .amendRejected(_, let reason):
            keep(.order(record))
            ledger.recordAmendRefused(id, of: name)
            refuse(.amend(clientOrderId: id, instrument: record.symbol, newQuantity: nil, newPrice: nil),
                   code: "venue_refused", reason: reason, strategy: index)
        case .cancelRejected(_, let reason):
            keep(.order(record))
            ledger.recordCancelRefused(id, of: name)
            refuse(.cancel(clientOrderId: id, instrument: record.symbol), code: "venue_refused", reason: reason, strategy: index)
        }
    }

    private func applyFill(_ fill: Fill, record: inout TradeRecord, strategy index: Int) {
        let name = runners[index].name
        counts.fills += 1
        strategyFigures[index].fills += 1
        let model = record.fillModel ?? .book
        counts.instruments[fill.instrument, default: .init()].count(fillBy: model)
        let outcome: FillOutcome
        do {
            outcome = try ledger.apply(fill)
        } catch {
            // The ledger cannot take the fill (arithmetic overflow or an unknown fee currency):
            // halt the strategy rather than trade on a position we cannot account for.
            logger.critical("fill could not be accounted; halting strategy", metadata: ["strategy": "\(name)", "error": "\(error)"])
            risk.strategyDidThrow(name, error: "fill could not be accounted: \(error)", at: clock)
            drainRisk()
            return
        }
        // Whether this fill completed the order is the event's own word: the attributed record
        // below is the order as it stands now, after every fill of the same walk through the book.
        let completesOrder = record.status.isTerminal
        if let attributed = venue.attributeRealizedPnl(outcome.realizedPnl, to: fill.clientOrderId) { record = attributed }
        strategyFigures[index].realizedPnl += outcome.realizedPnl
        strategyFigures[index].fees += outcome.feeInQuote
        keep(.fill(record, outcome.position))
        keep(.equity(portfolio.equitySample(of: equityHandles[index], at: fill.timestamp)), kind: .equity)
        venue.fillApplied(fill, position: outcome.position.signedQuantity)
        if completesOrder {
            ledger.recordEnded(fill.clientOrderId, of: name)
            orderCompleted(record, strategy: index)
        }
        finishCallback(runners[index].fill(fill), strategy: index)
    }

    /// An order that filled (even partly, then canceled) is one trade for the loss monitor and
    /// the daily rollup, judged on its whole realized PnL net of its fees.
    private func orderCompleted(_ record: TradeRecord, strategy index: Int) {
        guard !record.filledQuantity.isZero, let average = record.avgFillPrice else { return }
        let name = runners[index].name
        let contractValue = instrumentTable[record.symbol]?.contractValue?.value
        let closed = ClosedTrade(strategy: name, symbol: record.symbol, completedAt: record.completedAt ?? clock,
                                 filledQuantity: record.filledQuantity, avgFillPrice: average,
                                 commission: record.commission, commissionAsset: record.commissionAsset ?? record.symbol.quote,
                                 realizedPnl: record.realizedPnl, contractValue: contractValue)
        // An opening order closes nothing, so it is no win or loss.
        if !record.realizedPnl.value.isZero {
            risk.recordClosedTrade(realizedPnL: record.realizedPnl - closed.commissionInQuote, for: name, at: clock)
        }
        keepRollups(performance.record(closed))
    }

    /// The host could not write the rows of the venue's held new orders: they end rejected
    /// (``ExecutionVenue/withdrawHeldOrders(reason:events:)``) and their strategies are told.
    public func withdrawHeldOrders(reason: String) {
        venue.withdrawHeldOrders(reason: reason, events: &venueEvents)
        processVenueEvents()
    }

    /// Orders the database holds as not ended, from a run before a restart, known to the venue
    /// again (``ExecutionVenue``'s restore is the venue's business): the ledger counts them as
    /// open, so the risk checks see their exposure and the strategies their orders.
    public func restoreOpenOrders(_ records: [TradeRecord]) {
        for record in records where runnerIndex[record.strategy] != nil && !record.status.isTerminal {
            ledger.recordSent(OrderLifecycle(restoring: record).request)
            if record.status != .pending { ledger.recordAccepted(record.clientOrderId, of: record.strategy) }
        }
    }

    /// Cancels every open order of the strategy not already being canceled.
    func cancelOpenOrders(of index: Int) {
        for order in ledger.openOrders(of: runners[index].name) where order.state != .pendingCancel {
            work.append(.command(.cancel(clientOrderId: order.clientOrderId, instrument: order.instrument), strategy: index))
        }
        processWork()
    }
}
