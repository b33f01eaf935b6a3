import OKXTrading
import TradingCore

extension OKXOrderDesk {
    /// Reconciles with OKX (on start and after every reconnect, while the socket buffers pushes):
    /// pulls open orders, recent fills and positions over REST, looks up the open orders OKX no
    /// longer lists, and carries out ``OKXReconciler``'s plan through the orders' machines.
    /// The runtime's positions are ``heldPositions`` as of the moment OKX's positions arrived.
    /// Returns whether it completed; a failed pull is noted and leaves the orders as they were
    /// (the next reconciliation tries again).
    @discardableResult
    public func reconcile() async -> Bool {
        // Orders change while the answers are on their way (the actor is reentrant): OKX's "I do
        // not know this order" is only evidence for an order that was already live before the
        // pulls began. An order still being placed then (a rate-limited resend, a request in
        // flight) may be placed after OKX answered; its own lookups settle it.
        let liveAtStart = Set(machines.filter { $0.value.phase == .open }.keys)
        let pending: [OKXOrderUpdate]
        switch await rest.pendingOrders() {
        case .success(let orders): pending = orders
        case .failure(let error): return failed("\(error)")
        }
        var input = OKXReconciliationInput(localOpenOrders: localOpenOrders, venuePendingOrders: pending, recentFills: [],
                                           venuePositions: [], localPositions: [], ownership: ownership)
        while case .needsLookups(let lookups) = OKXReconciler.plan(input) {
            for lookup in lookups {
                switch await rest.lookup(lookup) {
                case .found(let update): input.lookedUp[lookup.clientOrderId] = .some(update)
                case .notFound: input.lookedUp[lookup.clientOrderId] = .some(nil)
                case .failed(let reason): return failed("lookup of \(lookup.clientOrderId): \(reason)")
                }
            }
        }
        // Fills and positions last: at least as new as the orders they explain, so a fill an
        // order's accFillSz already counts is in the list (else the core would infer it).
        async let fillsResult = rest.recentFills()
        async let positionsResult = rest.positions()
        do {
            input.recentFills = try await fillsResult.get()
            input.venuePositions = try await positionsResult.get()
            input.localPositions = heldPositions.snapshot
        } catch {
            return failed("\(error)")
        }
        guard case .steps(let steps) = OKXReconciler.plan(input) else { return failed("the plan asked for lookups twice") }
        for step in steps { await carryOut(step, liveAtStart: liveAtStart) }
        logger.info("okx reconciliation finished", metadata: ["steps": "\(steps.count)", "open_at_okx": "\(pending.count)"])
        return true
    }

    private func failed(_ reason: String) -> Bool {
        logger.error("okx reconciliation: could not pull OKX's state", metadata: ["reason": "\(reason)"])
        note(.reconciliationFailed(reason))
        return false
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
