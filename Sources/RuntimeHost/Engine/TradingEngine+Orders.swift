import Execution
import Portfolio
import Risk
import StrategyKit
import TradingCore

extension TradingEngine {
    /// Strategy callbacks triggered while handling commands may queue more commands; a strategy
    /// that keeps doing so is cut off after this many rounds in one event.
    static let maximumCommandRounds = 16

    /// Sends what a strategy queued through the risk engine to the venue, and the venue's answers
    /// back to the strategies, until no one queues anything more.
    func processCommands(of index: Int) {
        var rounds = 0
        while runners[index].context.hasPendingCommands, rounds < Self.maximumCommandRounds {
            rounds += 1
            let commands = runners[index].context.takeOutbox()
            for command in commands { process(command, strategy: index) }
            processVenueEvents()
        }
        if runners[index].context.hasPendingCommands {
            let dropped = runners[index].context.takeOutbox()
            logger.warning("strategy keeps queuing orders from its order callbacks; dropped the rest",
                           metadata: ["strategy": "\(runners[index].name)", "dropped": "\(dropped.count)"])
        }
    }

    private func process(_ command: OrderCommand, strategy index: Int) {
        let name = runners[index].name
        switch command {
        case .submit(var request):
            summary.orders += 1
            summary.strategies[name, default: .init()].orders += 1
            let market = markets.existingSlot(of: request.instrument).map { markets[$0].snapshot }
                ?? MarketSnapshot(bestBid: nil, bestAsk: nil, bookIsValid: false, lastDataTime: .zero)
            switch risk.check(request, strategy: handles[index], market: market) {
            case .accepted:
                break
            case .trimmed(let quantity, _):
                request.quantity = quantity
            case .rejected(let breach):
                summary.riskRejections += 1
                summary.strategies[name, default: .init()].riskRejections += 1
                let rejection = OrderRejection(command: command, code: breach.metricName,
                                               reason: "\(breach.check.code): \(breach.metricValue) against limit \(breach.thresholdValue)")
                handle(runners[index].orderRejected(rejection, at: clock), strategy: index)
                return
            }
            do {
                try venue.submit(request, at: clock, events: &venueEvents)
            } catch {
                risk.orderDidEnd(strategy: name, instrument: request.instrument, side: request.side,
                                 positionSide: request.positionSide, unfilledQuantity: request.quantity)
                let rejection = OrderRejection(command: command, code: "venue_refused", reason: String(describing: error))
                handle(runners[index].orderRejected(rejection, at: clock), strategy: index)
            }
        case .cancel(let id, _):
            do {
                try venue.cancel(id, at: clock, events: &venueEvents)
            } catch {
                let rejection = OrderRejection(command: command, code: "cancel_refused", reason: String(describing: error))
                handle(runners[index].orderRejected(rejection, at: clock), strategy: index)
            }
        case .amend(let id, _, let quantity, let price):
            do {
                try venue.amend(id, quantity: quantity, price: price, at: clock, events: &venueEvents)
            } catch {
                let rejection = OrderRejection(command: command, code: "amend_refused", reason: String(describing: error))
                handle(runners[index].orderRejected(rejection, at: clock), strategy: index)
            }
        }
    }

    /// Routes what the venue reported to the outbox, the portfolio, the risk engine and the strategy.
    /// Strategy callbacks here may queue commands whose venue events append to the same buffer;
    /// a nested call returns at once and the outermost loop processes them in order.
    func processVenueEvents() {
        // Most events produce no venue events: return before touching the buffer.
        guard !processingVenueEvents, !venueEvents.isEmpty else { return }
        processingVenueEvents = true
        defer {
            processingVenueEvents = false
            venueEvents.removeAll(keepingCapacity: true)
        }
        var position = 0
        while position < venueEvents.count {
            let event = venueEvents[position]
            position += 1
            let record = event.record
            guard let index = runnerIndex[record.strategy] else { continue }
            let runner = runners[index]
            switch event {
            case .sent:
                outbox.append(.order(record))
            case .expired:
                outbox.append(.order(record))
                orderCompleted(record, strategy: index)
            case .accepted:
                outbox.append(.order(record))
                handle(runner.orderAccepted(record.clientOrderId, at: clock), strategy: index)
            case .rejected(_, let reason):
                summary.venueRejections += 1
                outbox.append(.order(record))
                endOrder(record)
                if let request = runner.context.openOrder(record.clientOrderId)?.request {
                    let rejection = OrderRejection(command: .submit(request), code: "venue_rejected", reason: reason.description)
                    handle(runner.orderRejected(rejection, at: clock), strategy: index)
                }
            case .filled(let fill, var filledRecord):
                applyFill(fill, record: &filledRecord, strategy: index)
            case .canceled:
                outbox.append(.order(record))
                orderCompleted(record, strategy: index)
                handle(runner.orderCanceled(record.clientOrderId, at: clock), strategy: index)
            case .amended:
                outbox.append(.order(record))
                runner.orderAmended(record.clientOrderId, newQuantity: record.quantity, newPrice: record.price)
            case .amendRejected(_, let reason), .cancelRejected(_, let reason):
                outbox.append(.order(record))
                let command: OrderCommand = if case .amendRejected = event {
                    .amend(clientOrderId: record.clientOrderId, instrument: record.symbol, newQuantity: nil, newPrice: nil)
                } else {
                    .cancel(clientOrderId: record.clientOrderId, instrument: record.symbol)
                }
                handle(runner.orderRejected(OrderRejection(command: command, code: "venue_refused", reason: reason), at: clock),
                       strategy: index)
            }
            processCommands(of: index)
        }
    }

    private func applyFill(_ fill: Fill, record: inout TradeRecord, strategy index: Int) {
        let name = runners[index].name
        summary.fills += 1
        summary.strategies[name, default: .init()].fills += 1
        let outcome: FillOutcome
        do {
            outcome = try portfolio.apply(fill)
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
        summary.strategies[name, default: .init()].realizedPnl += outcome.realizedPnl
        summary.strategies[name, default: .init()].fees += outcome.feeInQuote
        outbox.append(.fill(record, outcome.position))
        risk.orderDidFill(fill)
        if completesOrder { orderCompleted(record, strategy: index) }
        handle(runners[index].fill(fill), strategy: index)
        syncContextPosition(index, instrument: fill.instrument)
    }

    /// The order reached a final state: the risk engine stops counting its rest, and an order that
    /// filled (even partly, then canceled) is one trade for the loss monitor and the daily rollup.
    private func orderCompleted(_ record: TradeRecord, strategy index: Int) {
        endOrder(record)
        guard !record.filledQuantity.isZero, let average = record.avgFillPrice else { return }
        let name = runners[index].name
        // Judged on the order's whole realized PnL; an opening order closes nothing.
        if !record.realizedPnl.value.isZero {
            risk.recordClosedTrade(realizedPnL: record.realizedPnl, for: name, at: clock)
        }
        let contractValue = instrumentTable[record.symbol]?.contractValue?.value
        let closed = ClosedTrade(strategy: name, symbol: record.symbol, completedAt: record.completedAt ?? clock,
                                 filledQuantity: record.filledQuantity, avgFillPrice: average,
                                 commission: record.commission, commissionAsset: record.commissionAsset ?? record.symbol.quote,
                                 realizedPnl: record.realizedPnl, contractValue: contractValue)
        for row in performance.record(closed) { outbox.append(.performance(row)) }
    }

    /// The order will not fill any further: the risk engine stops counting its rest.
    private func endOrder(_ record: TradeRecord) {
        risk.orderDidEnd(strategy: record.strategy, instrument: record.symbol, side: record.side,
                         positionSide: record.positionSide,
                         unfilledQuantity: record.quantity.subtractingClamped(record.filledQuantity))
    }

    func cancelOpenOrders(of index: Int) {
        for order in runners[index].context.openOrders {
            try? venue.cancel(order.clientOrderId, at: clock, events: &venueEvents)
        }
        processVenueEvents()
    }

    /// Makes the strategy's view of a position the portfolio's (the authoritative ledger).
    func syncContextPosition(_ index: Int, instrument: InstrumentId) {
        let key = PositionKey(strategy: runners[index].name, instrument: instrument, positionSide: .net)
        guard let position = portfolio.position(key) else { return }
        var view = StrategyPosition(instrument: instrument)
        view.netQuantity = position.signedQuantity
        view.averageEntryPrice = position.signedQuantity.isZero ? nil : position.averageEntryPrice
        view.realizedPnL = position.realizedPnl
        view.fees = position.fees
        view.markPrice = position.currentPrice
        runners[index].context.replacePosition(view)
    }
}
