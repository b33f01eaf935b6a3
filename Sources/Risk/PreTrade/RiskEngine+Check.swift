import Ledger
import StrategyKit
import TradingCore

/// The shrinking of one order through the trimmable caps: each breached cap either rejects
/// the order (action `reject`) or lowers the allowed quantity to what fits.
struct TrimState {
    var allowed: FixedPoint
    var firstBreach: RiskBreach?

    /// Applies a breached cap whose largest fitting quantity is `fitting`; returns the breach
    /// when the order must be rejected.
    @inline(__always) mutating func apply(_ breach: RiskBreach, fitting: FixedPoint, action: BreachAction) -> RiskBreach? {
        if action == .reject || !fitting.isPositive { return breach }
        if fitting < allowed { allowed = fitting }
        if firstBreach == nil { firstBreach = breach }
        return nil
    }
}

extension RiskEngine {
    /// Checks one order intent against the kill switch, the strategy's state and every limit,
    /// using the instrument's market at this moment and the strategy's positions and open orders
    /// in the ledger. A passed order counts against the order rate; the host then records it in
    /// the ledger (with the trimmed size), where it counts as open until it ends.
    /// "Now" is the request's `createdAt` (event time in replay), so replays decide identically.
    ///
    /// An order counts as reducing when, even if every open order in the same direction fills
    /// first, it can only shrink the position (never flip it). Reducing orders pass in the
    /// `reducing` state and on bad market data; a `reduceOnly` order that is not reducing is refused.
    public func check(_ request: OrderRequest, market: MarketSnapshot) -> RiskDecision {
        guard let index = handles[request.strategy] else { return rejectUnknownStrategy(request) }
        return check(request, strategy: StrategyHandle(index: index), market: market)
    }

    /// ``check(_:market:)`` without the name lookup, for hosts that keep the handle.
    public func check(_ request: OrderRequest, strategy handle: StrategyHandle, market: MarketSnapshot) -> RiskDecision {
        decide(request, strategy: handle, market: market, replacing: nil)
    }

    /// Checks an amend of an open order to a new total size and/or price with the same checks as
    /// a new order: the order is judged as if it were replaced by one for its new unfilled size
    /// at its new price (its current rest no longer counts as open exposure). A trimmed decision
    /// carries the allowed unfilled size; the amend's total is that plus what already filled.
    /// `time` is when the amend is decided (event time in replay).
    public func checkAmend(of order: OpenOrder, quantity: Quantity?, price: Price?, at time: Timestamp,
                           strategy handle: StrategyHandle, market: MarketSnapshot) -> RiskDecision {
        var request = order.request
        request.quantity = (quantity ?? order.request.quantity).subtractingClamped(order.filledQuantity)
        if let price { request.price = price }
        request.createdAt = time
        return decide(request, strategy: handle, market: market, replacing: order.clientOrderId)
    }

    private func decide(_ request: OrderRequest, strategy handle: StrategyHandle, market: MarketSnapshot,
                        replacing replaced: ClientOrderId?) -> RiskDecision {
        let book = books[handle.index]
        let slotIndex = book.slotIndex(of: request.instrument)
        let decision = evaluate(request, book: book, slotIndex: slotIndex, market: market, replacing: replaced)
        switch decision {
        case .accepted:
            book.rate.record(now: request.createdAt.nanosecondsSinceEpoch)
        case .trimmed(let quantity, let breach):
            book.rate.record(now: request.createdAt.nanosecondsSinceEpoch)
            report(breach, request: request, book: book, slotIndex: slotIndex, trimmedTo: quantity)
        case .rejected(let breach):
            report(breach, request: request, book: book, slotIndex: slotIndex, trimmedTo: nil)
        }
        return decision
    }

    @inline(__always)
    private func reject(_ check: RiskCheck, _ metric: FixedPoint, _ threshold: FixedPoint) -> RiskDecision {
        .rejected(RiskBreach(check: check, metricValue: metric, thresholdValue: threshold))
    }

    private func evaluate(_ request: OrderRequest, book: StrategyBook, slotIndex: Int?, market: MarketSnapshot,
                          replacing replaced: ClientOrderId?) -> RiskDecision {
        let now = request.createdAt.nanosecondsSinceEpoch
        if killSwitchEngaged { return reject(.killSwitch, .one, .zero) }
        guard let slotIndex else { return reject(.instrumentNotAllowed, .zero, .zero) }

        let quantity = request.quantity.value
        guard quantity.isPositive else { return reject(.invalidOrder, quantity, .zero) }
        let selector = LegSelector(side: request.side, positionSide: request.positionSide)
        let exposure = ledger.exposure(of: book.ledgerHandle, in: request.instrument, excluding: replaced)
        let leg = exposure[selector.leg]
        let reducing = leg.isReducing(up: selector.up, quantity: quantity)

        // A reduce-only order must shrink the position even if the same-direction open orders fill first.
        if request.reduceOnly && !reducing {
            let reducible = selector.up ? (-(leg.position + leg.pendingUp)) : leg.position - leg.pendingDown
            return reject(.reduceOnly, quantity, reducible.isNegative ? .zero : reducible)
        }

        // Strategy state: halted, paused and stopped pass nothing; reducing only shrinking orders.
        if !book.state.allowsReducingOrders || (!reducing && !book.state.allowsNewExposure) {
            return reject(.strategyState, FixedPoint(book.state.ordinal),
                          reducing ? FixedPoint(StrategyTradingState.reducing.ordinal) : .zero)
        }

        // The order's price: its limit, or for a market order the worst price its size reaches in
        // the visible book (the touch when only the top is known).
        let orderPrice: FixedPoint
        if request.type.hasLimitPrice {
            guard let limit = request.price, limit.value.isPositive else {
                return reject(.invalidOrder, request.price?.value ?? .zero, .zero)
            }
            orderPrice = limit.value
        } else {
            guard let touch = request.side == .buy ? market.bestAsk : market.bestBid, touch.value.isPositive else {
                return reject(.noReferencePrice, .zero, .zero)
            }
            orderPrice = market.marketOrderPrice?.value ?? touch.value
        }

        // Market data: no new exposure on a broken book, stale data or an open quality alert.
        let age = now &- market.lastDataTime.nanosecondsSinceEpoch
        let dataUsable = market.bookIsValid && age <= staleAfterNanoseconds
        if !reducing {
            if !market.bookIsValid { return reject(.bookOutOfSync, .one, .zero) }
            if age > staleAfterNanoseconds {
                return reject(.staleData, FixedPoint(Int(age / 1_000_000)), FixedPoint(Int(account.staleDataAfterMilliseconds)))
            }
            if book.slots[slotIndex].dataQualityAlert { return reject(.dataQuality, .one, .zero) }
        }

        // Price band around the mark (or mid).
        if let reference = market.referencePrice?.value, reference.isPositive {
            book.slots[slotIndex].valuationPrice = reference
            if dataUsable {
                let distance = (orderPrice - reference).magnitude
                guard let band = try? book.bandPct.multiplied(by: reference) else { return reject(.priceBand, .zero, book.bandPct) }
                if distance.times(100) > band {
                    return reject(.priceBand, distance.times(100).dividedOrZero(by: reference), book.bandPct)
                }
            }
        } else if !reducing {
            return reject(.noReferencePrice, .zero, .zero)
        }

        // Order rate and open orders.
        book.rate.expire(now: now)
        if book.rate.count >= book.limits.maxOrdersPerMinute {
            return reject(.orderRate, FixedPoint(book.rate.count), FixedPoint(book.limits.maxOrdersPerMinute))
        }
        let openOrders = ledger.openOrderCount(of: book.ledgerHandle, excluding: replaced)
        if openOrders >= book.limits.maxOpenOrders {
            return reject(.openOrders, FixedPoint(openOrders), FixedPoint(book.limits.maxOpenOrders))
        }

        // The caps a smaller order can satisfy.
        guard let unit = book.slots[slotIndex].unitValue(at: orderPrice), unit.isPositive else {
            return reject(.invalidOrder, orderPrice, .zero)
        }
        var trim = TrimState(allowed: quantity, firstBreach: nil)

        if let cap = book.limits.maxOrderQuantity?.value, trim.allowed > cap {
            let breach = RiskBreach(check: .orderQuantity, metricValue: trim.allowed, thresholdValue: cap)
            if let rejection = trim.apply(breach, fitting: cap, action: book.action(for: .orderQuantity)) { return .rejected(rejection) }
        }
        if let cap = book.limits.maxOrderNotional?.value {
            guard let notional = try? trim.allowed.multiplied(by: unit, rounding: .up) else {
                return reject(.orderNotional, .zero, cap)
            }
            if notional > cap {
                let breach = RiskBreach(check: .orderNotional, metricValue: notional, thresholdValue: cap)
                let fitting = (try? cap.divided(by: unit, rounding: .down)) ?? .zero
                if let rejection = trim.apply(breach, fitting: fitting, action: book.action(for: .orderNotional)) { return .rejected(rejection) }
            }
        }

        if !reducing {
            let base = leg.directionalBase(up: selector.up)
            if let cap = book.limits.maxPositionSize?.value {
                guard let after = try? (base + trim.allowed).multiplied(by: unit, rounding: .up) else {
                    return reject(.positionSize, .zero, cap)
                }
                if after > cap {
                    let breach = RiskBreach(check: .positionSize, metricValue: after, thresholdValue: cap)
                    let fitting = ((try? cap.divided(by: unit, rounding: .down)) ?? .zero) - base
                    if let rejection = trim.apply(breach, fitting: fitting, action: book.action(for: .positionSize)) { return .rejected(rejection) }
                }
            }
            let capForLeverage = book.maxGrossForLeverage
            let capForAccount = account.maxGrossNotional?.value
            if capForLeverage != nil || capForAccount != nil {
                // Exposure of the instrument's other legs, and of the leg's other direction.
                let otherLegs = exposure.worstCaseQuantity - leg.worstCase
                let oppositeDirection = (selector.up ? leg.position - leg.pendingDown : leg.position + leg.pendingUp).magnitude
                let strategyOther = grossNotional(of: book, skipping: slotIndex)
                func grossAfter(_ allowed: FixedPoint) -> FixedPoint? {
                    let legAfter = base + allowed
                    let exposure = otherLegs + (legAfter > oppositeDirection ? legAfter : oppositeDirection)
                    guard let value = try? exposure.multiplied(by: unit, rounding: .up) else { return nil }
                    return strategyOther + value
                }
                if let cap = capForLeverage {
                    guard let gross = grossAfter(trim.allowed) else { return reject(.leverage, .zero, cap) }
                    if gross > cap {
                        let capital = book.limits.allocatedCapital?.value ?? .one
                        let breach = RiskBreach(check: .leverage, metricValue: gross.dividedOrZero(by: capital),
                                                thresholdValue: book.maxLeverage ?? .zero)
                        let room = ((try? (cap - strategyOther).divided(by: unit, rounding: .down)) ?? .zero)
                        if let rejection = trim.apply(breach, fitting: room - otherLegs - base, action: book.action(for: .leverage)) {
                            return .rejected(rejection)
                        }
                    }
                }
                if let cap = capForAccount {
                    guard let gross = grossAfter(trim.allowed) else { return reject(.accountGrossNotional, .zero, cap) }
                    let accountOther = books.reduce(FixedPoint.zero) { $1 === book ? $0 : $0 + grossNotional(of: $1, skipping: nil) }
                    let accountAfter = accountOther + gross
                    if accountAfter > cap {
                        let breach = RiskBreach(check: .accountGrossNotional, metricValue: accountAfter, thresholdValue: cap)
                        let room = ((try? (cap - accountOther - strategyOther).divided(by: unit, rounding: .down)) ?? .zero)
                        if let rejection = trim.apply(breach, fitting: room - otherLegs - base,
                                                      action: book.action(for: .accountGrossNotional)) {
                            return .rejected(rejection)
                        }
                    }
                }
            }
        }

        guard let breach = trim.firstBreach else { return .accepted }
        let instrument = book.slots[slotIndex].instrument
        let onGrid = trim.allowed.rounded(toMultipleOf: instrument.lotSize.value, .down)
        if !onGrid.isPositive || onGrid < instrument.minSize.value { return .rejected(breach) }
        return .trimmed(newQuantity: Quantity(onGrid), reason: breach)
    }

    /// The worst-case gross notional of a strategy's instruments (all but `skipped`) at their
    /// valuation prices, from the ledger's positions and open orders.
    func grossNotional(of book: StrategyBook, skipping skipped: Int?) -> FixedPoint {
        var total = FixedPoint.zero
        for index in book.slots.indices where index != skipped {
            total += book.slots[index].notional(of: ledger.exposure(of: book.ledgerHandle, in: book.slots[index].instrument.id))
        }
        return total
    }
}
