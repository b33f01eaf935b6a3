import TradingCore

extension RiskEngine {
    /// Reports a rejection or trim: the first of a run of identical ones (same strategy,
    /// instrument and check) becomes a risk event; the rest within the window are counted
    /// and summarised once, so a looping strategy cannot flood risk_events.
    func report(_ breach: RiskBreach, request: OrderRequest, book: StrategyBook, slotIndex: Int?, trimmedTo: Quantity?) {
        let now = request.createdAt.nanosecondsSinceEpoch
        let index = book.counterIndex(slot: slotIndex, check: breach.check)
        if book.counters[index].isOpen && now &- book.counters[index].windowStart < summaryWindowNanoseconds {
            book.counters[index].suppressed += 1
            book.counters[index].lastBreach = breach
            book.counters[index].lastWasTrim = trimmedTo != nil
            if slotIndex == nil, book.counters[index].lastSymbol != request.instrument.symbol {
                book.counters[index].lastSymbol = request.instrument.symbol
            }
            return
        }
        emitSummary(book: book, counterIndex: index, at: request.createdAt)
        book.counters[index] = RejectionCounter(windowStart: now, suppressed: 0, lastBreach: breach,
                                                lastSymbol: request.instrument.symbol, lastWasTrim: trimmedTo != nil)
        outbox.append(.event(Self.event(for: breach, request: request, trimmedTo: trimmedTo)))
    }

    func rejectUnknownStrategy(_ request: OrderRequest) -> RiskDecision {
        let breach = RiskBreach(check: .unknownStrategy, metricValue: .zero, thresholdValue: .zero)
        let now = request.createdAt.nanosecondsSinceEpoch
        if unknownStrategyCounter.isOpen && now &- unknownStrategyCounter.windowStart < summaryWindowNanoseconds {
            unknownStrategyCounter.suppressed += 1
        } else {
            if unknownStrategyCounter.suppressed > 0 {
                outbox.append(.event(Self.summaryEvent(strategy: nil, symbol: nil, breach: breach, wasTrim: false,
                                                       count: unknownStrategyCounter.suppressed, at: request.createdAt)))
            }
            unknownStrategyCounter = RejectionCounter(windowStart: now, suppressed: 0, lastBreach: breach,
                                                      lastSymbol: nil, lastWasTrim: false)
            outbox.append(.event(Self.event(for: breach, request: request, trimmedTo: nil)))
        }
        return .rejected(breach)
    }

    /// Writes the summary of the counter's window if it counted anything, and closes it.
    func emitSummary(book: StrategyBook, counterIndex index: Int, at time: Timestamp) {
        let counter = book.counters[index]
        guard counter.isOpen, counter.suppressed > 0 else { return }
        outbox.append(.event(Self.summaryEvent(strategy: book.name, symbol: counter.lastSymbol, breach: counter.lastBreach,
                                               wasTrim: counter.lastWasTrim, count: counter.suppressed, at: time)))
        book.counters[index].suppressed = 0
    }

    /// Closes every window that ended by `now`, writing its summary.
    func flushRejectionSummaries(now: Timestamp) {
        for book in books {
            for index in book.counters.indices where book.counters[index].isOpen
                && now.nanosecondsSinceEpoch &- book.counters[index].windowStart >= summaryWindowNanoseconds {
                emitSummary(book: book, counterIndex: index, at: now)
                book.counters[index].windowStart = .min
            }
        }
        if unknownStrategyCounter.isOpen
            && now.nanosecondsSinceEpoch &- unknownStrategyCounter.windowStart >= summaryWindowNanoseconds {
            if unknownStrategyCounter.suppressed > 0 {
                outbox.append(.event(Self.summaryEvent(strategy: nil, symbol: nil, breach: unknownStrategyCounter.lastBreach,
                                                       wasTrim: false, count: unknownStrategyCounter.suppressed, at: now)))
            }
            unknownStrategyCounter = RejectionCounter()
        }
    }

    static func event(for breach: RiskBreach, request: OrderRequest, trimmedTo: Quantity?) -> RiskEvent {
        let order = "order \(request.clientOrderId) \(request.side.rawValue) \(request.quantity) \(request.instrument.symbol)"
            + (request.price.map { " @ \($0)" } ?? " at market")
        let text: String
        if let trimmedTo {
            text = "\(order) trimmed to \(trimmedTo): \(breach.check.code) \(breach.metricValue) exceeds \(breach.thresholdValue)"
        } else {
            text = "\(order) rejected: " + reason(breach, request: request)
        }
        return RiskEvent(eventType: trimmedTo == nil ? .orderRejected : .orderTrimmed,
                         severity: breach.check == .killSwitch || breach.check == .strategyState ? .warning
                             : trimmedTo == nil ? .warning : .info,
                         strategy: request.strategy, symbol: request.instrument.symbol, description: text,
                         metricName: breach.metricName, metricValue: breach.metricValue, thresholdValue: breach.thresholdValue,
                         actionTaken: trimmedTo == nil ? "rejected" : "trimmed", createdAt: request.createdAt)
    }

    static func reason(_ breach: RiskBreach, request: OrderRequest) -> String {
        let metric = breach.metricValue
        let threshold = breach.thresholdValue
        switch breach.check {
        case .killSwitch: return "the global kill switch is engaged"
        case .unknownStrategy: return "strategy '\(request.strategy)' is not registered with the risk engine"
        case .strategyState:
            let state = StrategyTradingState.allCases.first { FixedPoint($0.ordinal) == metric }?.rawValue ?? "unknown"
            return "the strategy is \(state)" + (state == "reducing" ? " and the order would not shrink its position" : "")
        case .instrumentNotAllowed: return "\(request.instrument.symbol) is not among the strategy's manifest symbols"
        case .invalidOrder: return "quantity and limit price must be positive (got \(metric))"
        case .reduceOnly: return "reduce-only quantity \(metric) exceeds the \(threshold) the position can still be reduced by"
        case .bookOutOfSync: return "the order book is out of sync; only position-reducing orders pass"
        case .staleData: return "market data is \(metric) ms old (threshold \(threshold) ms); only position-reducing orders pass"
        case .dataQuality: return "a data-quality alert is open for the instrument; only position-reducing orders pass"
        case .noReferencePrice: return "there is no mark, mid or opposite best price to measure the order against"
        case .priceBand: return "price is \(metric)% from the reference price, outside the \(threshold)% band"
        case .orderRate: return "\(metric) orders in the last 60 s reach max_orders_per_minute \(threshold)"
        case .openOrders: return "\(metric) open orders reach max_open_orders \(threshold)"
        case .orderQuantity: return "quantity \(metric) exceeds max_order_quantity \(threshold)"
        case .orderNotional: return "notional \(metric) exceeds max_order_notional \(threshold)"
        case .positionSize: return "position notional after the fill \(metric) exceeds max_position_size \(threshold)"
        case .leverage: return "leverage after the fill \(metric) exceeds max_leverage \(threshold)"
        case .accountGrossNotional: return "account gross notional after the fill \(metric) exceeds max_gross_notional \(threshold)"
        case .belowMinimumSize: return "the trimmed quantity \(metric) is below the minimum size \(threshold)"
        }
    }

    static func summaryEvent(strategy: StrategyName?, symbol: String?, breach: RiskBreach, wasTrim: Bool, count: Int,
                             at time: Timestamp) -> RiskEvent {
        RiskEvent(eventType: .rejectionSummary, severity: .warning, strategy: strategy, symbol: symbol,
                  description: "\(count) more order\(count == 1 ? "" : "s") \(wasTrim ? "trimmed" : "rejected") by \(breach.check.code) "
                      + "since the first was reported (last: \(breach.metricValue) vs \(breach.thresholdValue))",
                  metricName: "\(breach.metricName)_count", metricValue: FixedPoint(count), thresholdValue: breach.thresholdValue,
                  actionTaken: wasTrim ? "trimmed" : "rejected", createdAt: time)
    }
}
