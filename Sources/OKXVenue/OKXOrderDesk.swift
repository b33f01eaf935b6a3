import Execution
import Logging
import OKXTrading
import TradingCore

/// The orders of one account on OKX, driven over REST and by the private socket's pushes: each
/// order is an ``OKXOrderStateMachine``; this actor only performs what the machines ask (send a
/// place, look an order up, fetch fills) and feeds the answers back. No decision is made here.
///
/// The actor's reentrancy is what a venue needs: while a place request is on its way, pushes and
/// clock ticks for the same order are applied (a push may beat the ack; an unanswered request
/// goes in doubt), each as one synchronous step of the order's machine.
public actor OKXOrderDesk {
    let rest: OKXRestClient
    let clock: OKXVenueClock
    let defaults: OKXOrderDefaults
    let timing: OKXOrderTiming
    let mode: TradingMode
    /// Which client ids are the runtime's (an unknown one of them is an order that already ended).
    let ownership: OKXOrderOwnership
    let logger: Logger
    var machines: [ClientOrderId: OKXOrderStateMachine] = [:]
    var byVenueId: [VenueOrderId: ClientOrderId] = [:]
    /// Events not yet taken by ``takeEvents()``.
    var pendingEvents: [VenueEvent] = []
    /// Notes not yet taken by ``takeNotes()``.
    var pendingNotes: [OKXDeskNote] = []
    /// The runtime's positions for reconciliation: the portfolio's, plus the fills reported and not
    /// yet applied by it.
    public nonisolated let heldPositions: OKXHeldPositions
    /// OKX's rate limits, taken before each order request leaves.
    var buckets = OKXRateBuckets()

    public init(rest: OKXRestClient, clock: OKXVenueClock, defaults: OKXOrderDefaults = OKXOrderDefaults(),
                timing: OKXOrderTiming = OKXOrderTiming(), mode: TradingMode, ownership: OKXOrderOwnership = OKXOrderOwnership(),
                heldPositions: OKXHeldPositions = OKXHeldPositions(), logger: Logger) {
        self.ownership = ownership
        self.heldPositions = heldPositions
        self.rest = rest
        self.clock = clock
        self.defaults = defaults
        self.timing = timing
        self.mode = mode
        self.logger = logger
    }

    /// The events since the last call, in order (persist, then tell the strategy).
    public func takeEvents() -> [VenueEvent] {
        defer { pendingEvents.removeAll() }
        return pendingEvents
    }

    /// The notes since the last call.
    public func takeNotes() -> [OKXDeskNote] {
        defer { pendingNotes.removeAll() }
        return pendingNotes
    }

    /// An order's record now.
    public func record(of id: ClientOrderId) -> TradeRecord? { machines[id]?.record }

    /// Every order's record, in client id order.
    public func records() -> [TradeRecord] {
        machines.values.map(\.record).sorted { $0.clientOrderId.rawValue < $1.clientOrderId.rawValue }
    }

    /// An order's conversation with OKX now.
    public func phase(of id: ClientOrderId) -> OKXOrderPhase? { machines[id]?.phase }

    /// Places a new order. Returns once OKX answered, the request failed, or it is in doubt; the
    /// outcome is in the events.
    /// - Throws: ``VenueRequestError/duplicateClientOrderId(_:)`` for an id used before (ids are unique forever).
    public func submit(_ request: OrderRequest) async throws(VenueRequestError) {
        guard machines[request.clientOrderId] == nil else { throw .duplicateClientOrderId(request.clientOrderId) }
        var actions: [OKXOrderAction] = []
        let machine = OKXOrderStateMachine.submit(request, defaults: defaults, timing: timing, mode: mode, decisionMid: nil,
                                                  at: clock.now(), actions: &actions)
        machines[request.clientOrderId] = machine
        await perform(actions, for: request.clientOrderId)
    }

    /// Orders from before a restart, as their rows left them. OKX's word decides what became of
    /// them: one not known live is looked up at once (the process may have died right after
    /// sending it); a live one is checked by the next reconciliation.
    public func restore(_ records: [TradeRecord]) {
        let now = clock.now()
        for record in records where machines[record.clientOrderId] == nil {
            // The rows keep no trade ids: the fills OKX lists again count only beyond the filled size.
            machines[record.clientOrderId] = OKXOrderStateMachine.restore(
                OrderLifecycle(restoring: record), tradeIds: [], unattributedQuantity: record.filledQuantity,
                defaults: defaults, timing: timing, at: now)
            if let venueOrderId = record.venueOrderId { byVenueId[venueOrderId] = record.clientOrderId }
        }
    }

    /// Asks to cancel an order.
    public func cancel(_ id: ClientOrderId) async throws(VenueRequestError) {
        guard machines[id] != nil else { throw .unknownOrder(id) }
        await step(id) { machine, now, actions in machine.requestCancel(at: now, actions: &actions) }
    }

    /// Asks to change an order's total size and/or price.
    public func amend(_ id: ClientOrderId, quantity: Quantity?, price: Price?) async throws(VenueRequestError) {
        guard machines[id] != nil else { throw .unknownOrder(id) }
        guard quantity != nil || price != nil else { throw .emptyAmendment(id) }
        await step(id) { machine, now, actions in machine.requestAmend(quantity: quantity, price: price, at: now, actions: &actions) }
    }

    /// Moves every order's clock to now: overdue answers go in doubt, lookups and resends fall due.
    public func tick() async {
        for id in machines.keys.sorted(by: { $0.rawValue < $1.rawValue }) where machines[id]?.isDone == false {
            await step(id) { machine, now, actions in machine.advance(to: now, actions: &actions) }
        }
    }

    /// A message from the private socket: `orders` pushes go to their orders; the rest is the
    /// reconciliation's business.
    public func receive(_ message: OKXPrivateMessage) async {
        guard case .orders(let updates) = message else { return }
        for update in updates { await apply(update) }
    }

    /// One order as OKX reports it, routed by client id, else by OKX's id.
    func apply(_ update: OKXOrderUpdate) async {
        guard let id = update.clientOrderId.flatMap({ machines[$0] != nil ? $0 : nil }) ?? byVenueId[update.venueOrderId] else {
            if !(update.clientOrderId.map(ownership.owns) ?? false) { note(.externalOrder(update)) }
            return
        }
        await step(id) { machine, now, actions in machine.venueUpdated(update, at: now, actions: &actions) }
    }

    /// Runs one synchronous step of an order's machine, then performs what it asked for.
    func step(_ id: ClientOrderId, _ body: (inout OKXOrderStateMachine, Timestamp, inout [OKXOrderAction]) -> Void) async {
        guard var machine = machines[id] else { return }
        var actions: [OKXOrderAction] = []
        body(&machine, clock.now(), &actions)
        machines[id] = machine
        if let venueOrderId = machine.lifecycle.venueOrderId { byVenueId[venueOrderId] = id }
        await perform(actions, for: id)
    }

    func note(_ note: OKXDeskNote) { pendingNotes.append(note) }

    /// Waits until the rate buckets let a request of kind `limit` go, and takes its tokens. The
    /// only wait in the desk: OKX refuses (50011) what comes faster, and a refused place costs a
    /// resend after a pause.
    func throttle(_ limit: OKXRateLimit, _ instrument: InstrumentId) async {
        while !Task.isCancelled {
            let now = clock.now()
            switch buckets.acquire(limit, instrument: instrument, at: now) {
            case .granted: return
            case .wait(let until): try? await Task.sleep(nanoseconds: UInt64(max(1, until.nanoseconds(since: now))))
            }
        }
    }

    /// OKX refused a request of kind `limit` for its rate: pause its bucket for the order timing's pause.
    func pauseBucket(_ limit: OKXRateLimit, _ instrument: InstrumentId, after ack: OKXOrderAck) {
        guard ack.errorClass == .rateLimited else { return }
        buckets.pause(limit, instrument: instrument, until: clock.now().advanced(byMilliseconds: timing.rateLimitPauseMilliseconds))
    }
}
