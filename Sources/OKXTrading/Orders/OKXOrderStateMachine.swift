import Execution
import TradingCore

/// One order's life on OKX as a pure value: inputs are OKX's answers, pushes, lookup results and
/// the clock; outputs are ``OKXOrderAction``s (requests to send, events to report). No I/O, no
/// clock of its own, so every fault sequence is a unit test.
///
/// Rules that keep orders from being lost or doubled:
/// - The row is written before the request leaves (``submit(_:defaults:timing:mode:decisionMid:at:actions:)``
///   emits `.sent` before `.place`).
/// - Every place and amend carries `expTime`.
/// - An ambiguous outcome (timeout, drop after the request was written, `50004` and the other
///   codes ``OKXErrorClass/ambiguous`` lists, a duplicate-id answer) puts the order **in doubt**:
///   it is never resent, only looked up by client id, and declared not placed only when OKX still
///   does not know it after `expTime` plus the clock-skew margin.
/// - Only a rate-limit refusal (definitively not executed) sends the same request again.
/// - Fills count once per trade id and must add up to OKX's `accFillSz` (``OKXFillLedger``);
///   the record is only closed once they do.
/// - A push may beat the ack: the first sign of life from OKX accepts the order, exactly once.
public struct OKXOrderStateMachine: Sendable, Hashable {
    /// The order as a `trades` row (status, fills, fees, times).
    public internal(set) var lifecycle: OrderLifecycle
    /// The conversation with OKX.
    public internal(set) var phase: OKXOrderPhase
    /// Fill accounting against `accFillSz`.
    public internal(set) var ledger: OKXFillLedger
    /// The cancel the strategy asked for, if any.
    public internal(set) var cancelRequest: CancelRequest = .none
    /// The amendment in flight, if any (OKX allows a few; one at a time keeps the outcome readable).
    public internal(set) var amendment: PendingAmendment?
    /// How orders are placed on this account (`tdMode`, `posSide`).
    public let defaults: OKXOrderDefaults
    /// expTime, ack timeout, skew and lookup rules.
    public let timing: OKXOrderTiming
    /// Amendments sent so far (numbers the `reqId`s).
    var amendCount = 0
    /// A fills fetch was asked for and not answered yet.
    var fillsFetchInFlight = false

    /// The state of a cancel request.
    public enum CancelRequest: Sendable, Hashable {
        case none
        /// Asked for while the order was not yet known live at OKX: sent once it is.
        case wanted
        case sent(at: Timestamp)
        /// Refused for its rate: sent again at `until`.
        case waitingToResend(until: Timestamp)
    }

    /// An amendment sent to OKX and not yet answered by an `orders` push with its `reqId`.
    public struct PendingAmendment: Sendable, Hashable {
        public var request: OKXAmendRequest
        /// The outcome is unknown (ambiguous answer): resolved by looking the order up.
        public var inDoubt: Bool
    }

    /// A new order: emits `.sent` (the host writes the row) and then the `.place` request, or, when
    /// OKX would refuse it for this account's modes (``OKXOrderDefaults/refusal(of:)``), `.refused`
    /// instead of sending it.
    public static func submit(_ request: OrderRequest, defaults: OKXOrderDefaults, timing: OKXOrderTiming, mode: TradingMode,
                              decisionMid: Price?, at now: Timestamp, actions: inout [OKXOrderAction]) -> OKXOrderStateMachine {
        let expiresAt = now.advanced(byMilliseconds: timing.expiryMilliseconds)
        let machine = OKXOrderStateMachine(lifecycle: OrderLifecycle(request: request, mode: mode, decisionMid: decisionMid),
                                           phase: .pendingNew(expiresAt: expiresAt), ledger: OKXFillLedger(),
                                           defaults: defaults, timing: timing)
        actions.append(.emit(.sent(machine.record)))
        if let refusal = defaults.refusal(of: request) {
            var refused = machine
            refused.refuse(reason: "not sent: \(refusal)", at: now, actions: &actions)
            return refused
        }
        actions.append(.place(machine.placeRequest(expiresAt: expiresAt)))
        return machine
    }

    /// An order restored from the database after a restart: its row says how far it got; anything
    /// not known live is in doubt until a lookup says otherwise (the process may have died right
    /// after writing the request). `tradeIds` are the fills the database has for it and
    /// `unattributedQuantity` the part of its filled size they do not cover (all of it while fills
    /// are stored without trade ids); re-read fills then add only what is new (``OKXFillLedger``).
    ///
    /// The place request's `expTime` is not stored; the process may have sent it just before it
    /// died, so the earliest safe assumption is `now` + the expiry: "not placed" is decided after that.
    public static func restore(_ lifecycle: OrderLifecycle, tradeIds: Set<TradeId>, unattributedQuantity: Quantity,
                               defaults: OKXOrderDefaults, timing: OKXOrderTiming, at now: Timestamp) -> OKXOrderStateMachine {
        let expiresAt = now.advanced(byMilliseconds: timing.expiryMilliseconds)
        let phase: OKXOrderPhase = lifecycle.status.isTerminal ? .done
            : lifecycle.isLive ? .open
            : .inDoubt(OKXDoubt(since: now, expiresAt: expiresAt, reason: "restored after a restart before OKX answered",
                                lookupSentAt: nil, nextLookupAt: now))
        return OKXOrderStateMachine(lifecycle: lifecycle, phase: phase,
                                    ledger: OKXFillLedger(tradeIds: tradeIds, accounted: lifecycle.filledQuantity,
                                                          unattributed: unattributedQuantity),
                                    defaults: defaults, timing: timing)
    }

    init(lifecycle: OrderLifecycle, phase: OKXOrderPhase, ledger: OKXFillLedger, defaults: OKXOrderDefaults, timing: OKXOrderTiming) {
        self.lifecycle = lifecycle
        self.phase = phase
        self.ledger = ledger
        self.defaults = defaults
        self.timing = timing
    }

    public var clientOrderId: ClientOrderId { lifecycle.request.clientOrderId }
    public var instrument: InstrumentId { lifecycle.request.instrument }
    /// The order as a `trades` row.
    public var record: TradeRecord { lifecycle.record }
    /// Whether nothing more can happen to the order.
    public var isDone: Bool { phase == .done }

    func placeRequest(expiresAt: Timestamp) -> OKXPlaceRequest {
        let request = lifecycle.request
        let isSpot = request.instrument.kind == .spot
        return OKXPlaceRequest(
            instrument: request.instrument, clientOrderId: request.clientOrderId, side: request.side, orderType: request.type,
            size: request.quantity, price: request.price,
            tradeMode: isSpot ? defaults.spotTradeMode : defaults.derivativeTradeMode,
            positionSide: !isSpot && defaults.longShortPositionMode ? request.positionSide : nil,
            reduceOnly: !isSpot && request.reduceOnly, expiresAt: expiresAt)
    }

    var lookup: OKXOrderLookup { OKXOrderLookup(instrument: instrument, clientOrderId: clientOrderId) }

    /// Enters the in-doubt phase and asks for the first lookup.
    mutating func enterDoubt(reason: String, expiresAt: Timestamp, at now: Timestamp, actions: inout [OKXOrderAction]) {
        phase = .inDoubt(OKXDoubt(since: now, expiresAt: expiresAt, reason: reason, lookupSentAt: now,
                                  nextLookupAt: now.advanced(byMilliseconds: timing.lookupIntervalMilliseconds)))
        actions.append(.inDoubt(record, reason: reason))
        actions.append(.lookup(lookup))
    }

    /// Runs a lifecycle transition; a refusal means OKX and the order disagree: reported, not thrown,
    /// because one odd message must not stop the venue's loop.
    mutating func transition(_ what: String, actions: inout [OKXOrderAction],
                             _ body: (inout OrderLifecycle) throws(OrderLifecycleError) -> Void) -> Bool {
        do {
            try body(&lifecycle)
            return true
        } catch {
            actions.append(.anomaly("order \(clientOrderId): \(what) refused: \(error)"))
            return false
        }
    }
}
