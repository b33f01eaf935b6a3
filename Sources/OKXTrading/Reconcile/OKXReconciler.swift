import TradingCore

/// Reconciliation on start and after every reconnect, as a pure function of the runtime's view and
/// OKX's REST answers. OKX is the authority on orders and fills: its states are adopted, fills the
/// runtime missed are applied, orders it did not place are reported. A position difference that the
/// missed fills do not explain halts the strategies holding it, even when orders placed outside the
/// runtime may account for it (the mismatch says how much they moved): the runtime cannot own a
/// position it did not trade, and nothing is traded to "fix" it (an audit-first runtime does not guess).
public enum OKXReconciler {
    /// Plans the reconciliation; asks for lookups first when a local open order is not among OKX's
    /// pending orders and has not been looked up yet.
    public static func plan(_ input: OKXReconciliationInput) -> OKXReconciliationPlan {
        let pendingByClientId = Dictionary(input.venuePendingOrders.compactMap { order in order.clientOrderId.map { ($0, order) } },
                                           uniquingKeysWith: { first, _ in first })
        let missing = input.localOpenOrders.filter { pendingByClientId[$0.clientOrderId] == nil && input.lookedUp[$0.clientOrderId] == nil }
        if !missing.isEmpty {
            return .needsLookups(missing.map { OKXOrderLookup(instrument: $0.instrument, clientOrderId: $0.clientOrderId) })
        }
        var steps: [OKXReconciliationStep] = []
        let local = Dictionary(input.localOpenOrders.map { ($0.clientOrderId, $0) }, uniquingKeysWith: { first, _ in first })
        let localByVenueId = Dictionary(input.localOpenOrders.compactMap { order in order.venueOrderId.map { ($0, order) } },
                                        uniquingKeysWith: { first, _ in first })

        // 1. Our open orders: adopt what OKX says.
        var venueView: [ClientOrderId: OKXOrderUpdate] = [:]
        for order in input.localOpenOrders {
            if let update = pendingByClientId[order.clientOrderId] ?? (input.lookedUp[order.clientOrderId] ?? nil) {
                venueView[order.clientOrderId] = update
                steps.append(.adopt(order.clientOrderId, update))
            } else {
                steps.append(.unknownAtVenue(order.clientOrderId))
            }
        }

        // 2. Open orders at OKX the runtime does not know.
        for update in input.venuePendingOrders {
            let known = update.clientOrderId.map { local[$0] != nil } ?? false
            if !known, localByVenueId[update.venueOrderId] == nil { steps.append(.externalOrder(update)) }
        }

        // 3. Fills: ours the runtime missed (deduplicated by trade id), and external ones.
        var missed: [ClientOrderId: [OKXFillDetail]] = [:]
        var external: [OKXFillDetail] = []
        var seen: Set<OKXFillKey> = []
        for fill in input.recentFills.sorted(by: { ($0.time, $0.tradeId.rawValue) < ($1.time, $1.tradeId.rawValue) })
        where seen.insert(fill.key).inserted {
            let owner = fill.clientOrderId.flatMap { local[$0] } ?? localByVenueId[fill.venueOrderId]
            guard let owner else {
                // Fills of our orders that already ended are in the database; only orders the
                // runtime never placed can be external.
                if !(fill.clientOrderId.map(input.ownership.owns) ?? false) { external.append(fill) }
                continue
            }
            if !owner.tradeIds.contains(fill.tradeId) { missed[owner.clientOrderId, default: []].append(fill) }
        }
        for order in input.localOpenOrders {
            if let fills = missed[order.clientOrderId] { steps.append(.applyFills(order.clientOrderId, fills)) }
        }
        steps += external.map(OKXReconciliationStep.externalFill)

        // 4. Positions: the portfolio plus what this reconciliation applies must equal OKX.
        steps += positionMismatches(input, venueView: venueView, missed: missed, external: external).map(OKXReconciliationStep.positionMismatch)
        return .steps(steps)
    }

    private struct PositionKey: Hashable {
        var instrument: InstrumentId
        var side: PositionSide
    }

    private static func positionMismatches(_ input: OKXReconciliationInput, venueView: [ClientOrderId: OKXOrderUpdate],
                                           missed: [ClientOrderId: [OKXFillDetail]], external: [OKXFillDetail]) -> [OKXPositionMismatch] {
        var expected: [PositionKey: FixedPoint] = [:]
        var strategies: [PositionKey: Set<StrategyName>] = [:]
        for position in input.localPositions where position.instrument.kind != .spot {
            let key = PositionKey(instrument: position.instrument, side: position.positionSide)
            expected[key, default: .zero] += position.size
            strategies[key, default: []].formUnion(position.strategies)
        }
        for order in input.localOpenOrders where order.instrument.kind != .spot {
            let key = PositionKey(instrument: order.instrument, side: order.positionSide)
            strategies[key, default: []].insert(order.strategy)
            // What the order executed beyond what the runtime recorded: the missed fills, or, when
            // OKX's accFillSz says more, the larger amount (the state machine infers the rest).
            let missedQuantity = (missed[order.clientOrderId] ?? []).reduce(Quantity.zero) { $0 + $1.quantity }
            let venueFilled = venueView[order.clientOrderId]?.accumulatedFillSize ?? .zero
            let added = max(missedQuantity, venueFilled.subtractingClamped(order.filledQuantity))
            expected[PositionKey(instrument: order.instrument, side: order.positionSide), default: .zero] += added.value.times(order.side.sign)
        }
        var externalMoves: [InstrumentId: FixedPoint] = [:]
        for fill in external {
            // An external fill's side is not in the fill row; its size bounds how much it explains.
            externalMoves[fill.instrument, default: .zero] += fill.quantity.value
        }
        var venue: [PositionKey: FixedPoint] = [:]
        for position in input.venuePositions where position.instrument.kind != .spot {
            venue[PositionKey(instrument: position.instrument, side: position.positionSide), default: .zero] += position.signedSize
        }
        var result: [OKXPositionMismatch] = []
        for key in Set(expected.keys).union(venue.keys).sorted(by: { ($0.instrument, $0.side.rawValue) < ($1.instrument, $1.side.rawValue) }) {
            let mine = expected[key] ?? .zero
            let theirs = venue[key] ?? .zero
            guard mine != theirs else { continue }
            result.append(OKXPositionMismatch(instrument: key.instrument, positionSide: key.side, expected: mine, venue: theirs,
                                              externalFills: externalMoves[key.instrument] ?? .zero, strategies: strategies[key] ?? []))
        }
        return result
    }
}
