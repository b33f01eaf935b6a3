import Execution
import TradingCore

extension OKXOrderStateMachine {
    /// Applies one fill unless it was seen before (or only confirms an inferred one).
    mutating func applyFill(_ fill: OKXFillDetail, at now: Timestamp, actions: inout [OKXOrderAction]) {
        switch ledger.admit(fill) {
        case .duplicate:
            return
        case .alreadyCounted:
            // Counted before without its trade id (inferred, or restored after a restart).
            return
        case .apply(let quantity):
            record(quantity: quantity, price: fill.price, fee: quantity == fill.quantity ? fill.fee : .zero,
                   feeCurrency: fill.feeCurrency, liquidity: fill.liquidity ?? .taker, time: fill.time, actions: &actions)
        }
    }

    /// Applies what OKX executed beyond the fills seen as one inferred fill, priced so that the
    /// order's average matches OKX's `avgPx`, with the fee OKX's accumulated `fee` has beyond ours.
    mutating func inferMissingFill(at now: Timestamp, actions: inout [OKXOrderAction]) {
        let venue: OKXOrderUpdate? = if case .closing(let update) = phase { update } else { nil }
        let missing = ledger.gap
        guard let price = inferredPrice(missing: missing, averagePrice: venue?.averagePrice) else {
            actions.append(.anomaly("order \(clientOrderId): \(missing) filled at OKX without fills and without a price to infer; left open for an operator"))
            return
        }
        _ = ledger.inferGap()
        var fee = Money.zero
        if let total = venue?.accumulatedFee, total > lifecycle.commission { fee = total - lifecycle.commission }
        let reason = "OKX's accFillSz \(ledger.venueFilled) exceeds the fills seen by \(missing); applied as one fill at \(price) (no tradeId)"
        record(quantity: missing, price: price, fee: fee, feeCurrency: venue?.feeCurrency, liquidity: .taker, time: now, actions: &actions)
        actions.append(.inferredFill(missing, record, reason: reason))
    }

    /// `(avgPx × accFillSz − Σ price × size seen) / missing`, or the order's own price.
    private func inferredPrice(missing: Quantity, averagePrice: Price?) -> Price? {
        if let averagePrice, let total = try? averagePrice.value.multiplied(by: ledger.venueFilled.value),
           let price = try? (total - lifecycle.filledNotional).divided(by: missing.value, rounding: .toNearestOrAwayFromZero),
           !price.isNegative, !price.isZero {
            return Price(price)
        }
        return lifecycle.request.price
    }

    private mutating func record(quantity: Quantity, price: Price, fee: Money, feeCurrency: String?, liquidity: Liquidity,
                                 time: Timestamp, actions: inout [OKXOrderAction]) {
        let request = lifecycle.request
        // OKX names the rebate currency on zero-fee fills: keep the order's fee currency then, so
        // one order's fees stay in one currency.
        let currency = fee.value.isZero ? (lifecycle.commissionAsset ?? feeCurrency ?? request.instrument.quote)
                                        : (feeCurrency ?? lifecycle.commissionAsset ?? request.instrument.quote)
        // The row holds one fee currency; a fee in another (a maker rebate paid in the other
        // currency of the pair) cannot be added to it. The fill still counts, and its Fill carries
        // the true fee for the portfolio; the row keeps its currency and says so via an anomaly.
        var rowFee = fee
        var rowCurrency = currency
        if let existing = lifecycle.commissionAsset, existing != currency {
            actions.append(.anomaly("order \(clientOrderId): fee \(fee) \(currency) not added to the row, which holds fees in \(existing)"))
            rowFee = .zero
            rowCurrency = existing
        }
        guard transition("fill", actions: &actions, { (order) throws(OrderLifecycleError) in
            try order.recordFill(price: price, quantity: quantity, fee: rowFee, feeAsset: rowCurrency, at: time)
        }) else { return }
        guard let venueOrderId = lifecycle.venueOrderId else { return }
        let fill = Fill(clientOrderId: request.clientOrderId, venueOrderId: venueOrderId, strategy: request.strategy,
                        instrument: request.instrument, side: request.side, positionSide: request.positionSide,
                        price: price, quantity: quantity, fee: fee, feeCurrency: currency, liquidity: liquidity, timestamp: time)
        actions.append(.emit(.filled(fill, record)))
    }
}
