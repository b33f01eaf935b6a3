import OKXTrading
import TradingCore

extension OKXOrderDesk {
    /// Reconciles with OKX (on start and after every reconnect, while the socket buffers pushes):
    /// pulls open orders, recent fills and positions over REST, looks up the open orders OKX no
    /// longer lists, and carries out ``OKXReconciler``'s plan through the orders' machines.
    /// `localPositions` is the portfolio's view. Returns whether it completed; a failed pull is
    /// noted and leaves the orders as they were (the next reconciliation tries again).
    @discardableResult
    public func reconcile(localPositions: [OKXLocalPosition]) async -> Bool {
        // Orders change while the answers are on their way (the actor is reentrant): OKX's "I do
        // not know this order" is only evidence for an order that was already live before the
        // pulls began. An order still being placed then (a rate-limited resend, a request in
        // flight) may be placed after OKX answered; its own lookups settle it.
        let liveAtStart = Set(machines.filter { $0.value.phase == .open }.keys)
        async let pendingResult = rest.pendingOrders()
        async let fillsResult = rest.recentFills()
        async let positionsResult = rest.positions()
        let pending: [OKXOrderUpdate], fills: [OKXFillDetail], positions: [OKXPosition]
        do {
            pending = try await pendingResult.get()
            fills = try await fillsResult.get()
            positions = try await positionsResult.get()
        } catch {
            logger.error("okx reconciliation: could not pull OKX's state", metadata: ["error": "\(error)"])
            note(.reconciliationFailed("\(error)"))
            return false
        }
        var input = OKXReconciliationInput(localOpenOrders: localOpenOrders, venuePendingOrders: pending, recentFills: fills,
                                           venuePositions: positions, localPositions: localPositions)
        while true {
            switch OKXReconciler.plan(input) {
            case .needsLookups(let lookups):
                for lookup in lookups {
                    switch await rest.lookup(lookup) {
                    case .found(let update): input.lookedUp[lookup.clientOrderId] = .some(update)
                    case .notFound: input.lookedUp[lookup.clientOrderId] = .some(nil)
                    case .failed(let reason):
                        logger.error("okx reconciliation: lookup failed", metadata: ["order": "\(lookup.clientOrderId)", "reason": "\(reason)"])
                        note(.reconciliationFailed("lookup of \(lookup.clientOrderId): \(reason)"))
                        return false
                    }
                }
            case .steps(let steps):
                for step in steps { await carryOut(step, liveAtStart: liveAtStart) }
                logger.info("okx reconciliation finished", metadata: ["steps": "\(steps.count)", "open_at_okx": "\(pending.count)"])
                return true
            }
        }
    }

    /// The runtime's open orders as reconciliation sees them.
    var localOpenOrders: [OKXLocalOrder] {
        machines.values.filter { !$0.isDone }.sorted { $0.clientOrderId.rawValue < $1.clientOrderId.rawValue }.map { machine in
            let request = machine.lifecycle.request
            return OKXLocalOrder(clientOrderId: request.clientOrderId, venueOrderId: machine.lifecycle.venueOrderId,
                                 instrument: request.instrument, strategy: request.strategy, side: request.side,
                                 positionSide: request.positionSide, filledQuantity: machine.lifecycle.filledQuantity,
                                 tradeIds: machine.ledger.tradeIds)
        }
    }

    private func carryOut(_ step: OKXReconciliationStep, liveAtStart: Set<ClientOrderId>) async {
        switch step {
        case .adopt(let id, let update):
            await self.step(id) { machine, now, actions in machine.lookupAnswered(update, at: now, actions: &actions) }
        case .unknownAtVenue(let id):
            guard liveAtStart.contains(id) else {
                logger.info("okx reconciliation: order not yet known at OKX left to its own lookups", metadata: ["order": "\(id)"])
                return
            }
            await self.step(id) { machine, now, actions in machine.lookupAnswered(nil, at: now, actions: &actions) }
        case .applyFills(let id, let fills):
            await self.step(id) { machine, now, actions in machine.fillsFetched(fills, at: now, actions: &actions) }
        case .externalOrder(let update):
            logger.warning("okx reconciliation: open order placed outside the runtime", metadata: ["ordId": "\(update.venueOrderId)"])
            note(.externalOrder(update))
        case .externalFill(let fill):
            note(.externalFill(fill))
        case .positionMismatch(let mismatch):
            logger.critical("okx reconciliation: position mismatch", metadata: ["detail": "\(mismatch)"])
            note(.positionMismatch(mismatch))
        }
    }
}
