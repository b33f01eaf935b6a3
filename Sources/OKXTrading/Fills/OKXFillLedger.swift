import TradingCore

/// The fill accounting of one order: which fills were applied, and whether they add up to what OKX
/// says has filled (`accFillSz`).
///
/// - A fill is applied once per `(instId, tradeId)`; one order has one instrument, so the trade id
///   alone is the key here. OKX may repeat a push, and reconciliation replays REST fills over pushes.
/// - `accFillSz` ahead of the applied sum is a **gap**: a fill was missed (a push lost in a
///   disconnect, or still on its way). The order fetches its fills; whatever is still missing
///   afterwards is *inferred* (applied as one fill priced from `avgPx`) and reported, so positions
///   are never left short of what OKX executed.
/// - Quantity counted without a known trade id is **unattributed**: an inferred fill, or the filled
///   size of an order restored from a database that does not store trade ids (``Fill`` has none
///   yet). A real fill arriving later first covers unattributed quantity instead of counting again,
///   so after a restart the fills re-read from OKX add only what is new. Quantities stay exact
///   whatever order fills arrive in; only which fill's price a covered part had may be blurred.
public struct OKXFillLedger: Sendable, Hashable {
    /// Trade ids applied so far (restored from the database after a restart).
    public private(set) var tradeIds: Set<TradeId>
    /// The quantity applied: real fills plus inferred ones.
    public private(set) var accounted: Quantity
    /// The largest `accFillSz` OKX reported (pushes can arrive out of order).
    public private(set) var venueFilled: Quantity
    /// Quantity counted without a trade id (inferred, or restored) that no real fill has covered yet.
    public private(set) var unattributed: Quantity

    /// How a fill was taken.
    public enum Admission: Sendable, Hashable {
        /// New: apply this much of it (all of it, unless part was inferred earlier).
        case apply(Quantity)
        /// Seen before (same trade id): ignore.
        case duplicate
        /// New, but its whole quantity was already counted without a trade id (inferred or restored).
        case alreadyCounted
    }

    /// A ledger for an order that has `accounted` filled already, of which `unattributed` is not
    /// covered by the known `tradeIds` (a restored order; all of it when no trade ids were stored).
    public init(tradeIds: Set<TradeId> = [], accounted: Quantity = .zero, unattributed: Quantity = .zero) {
        self.tradeIds = tradeIds
        self.accounted = accounted
        self.venueFilled = accounted
        self.unattributed = min(unattributed, accounted)
    }

    /// What OKX says has filled but no applied fill explains.
    public var gap: Quantity { venueFilled.subtractingClamped(accounted) }

    /// Notes OKX's `accFillSz` from a push or lookup.
    public mutating func observeVenueFilled(_ quantity: Quantity) {
        venueFilled = max(venueFilled, quantity)
    }

    /// Takes one fill.
    public mutating func admit(_ fill: OKXFillDetail) -> Admission {
        guard tradeIds.insert(fill.tradeId).inserted else { return .duplicate }
        let covered = min(fill.quantity, unattributed)
        unattributed = unattributed.subtractingClamped(covered)
        let fresh = fill.quantity.subtractingClamped(covered)
        accounted = accounted + fresh
        // A fill is proof of execution even if no push said so yet.
        venueFilled = max(venueFilled, accounted)
        return fresh.isZero ? .alreadyCounted : .apply(fresh)
    }

    /// Closes the gap with an inferred fill of its size; returns that size (zero when there is none).
    public mutating func inferGap() -> Quantity {
        let missing = gap
        accounted = accounted + missing
        unattributed = unattributed + missing
        return missing
    }
}
