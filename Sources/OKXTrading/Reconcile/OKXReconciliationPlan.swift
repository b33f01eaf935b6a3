import TradingCore

/// What reconciliation decided, step by step, for the shell to carry out through the orders'
/// state machines (so adoption goes through the same deduplicating path as pushes).
public enum OKXReconciliationStep: Sendable, Hashable {
    /// Feed OKX's view of our order to its state machine (``OKXOrderStateMachine/lookupAnswered(_:at:actions:)``).
    case adopt(ClientOrderId, OKXOrderUpdate)
    /// OKX does not know our order (feed `nil` to the lookup answer: in doubt → not placed after
    /// expTime; live → closed).
    case unknownAtVenue(ClientOrderId)
    /// Fills of our order the runtime has not recorded, oldest first
    /// (``OKXOrderStateMachine/fillsFetched(_:at:actions:)``).
    case applyFills(ClientOrderId, [OKXFillDetail])
    /// An open order at OKX the runtime did not place (by hand, another program, a liquidation).
    case externalOrder(OKXOrderUpdate)
    /// A fill of an order the runtime did not place.
    case externalFill(OKXFillDetail)
    /// The runtime's position and OKX's differ by more than the steps above explain: halt the
    /// strategies holding it (risk event, audit row).
    case positionMismatch(OKXPositionMismatch)
}

/// A position the runtime cannot reconcile with OKX.
public struct OKXPositionMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The instrument whose position disagrees.
    public var instrument: InstrumentId
    /// Which position (`net`, `long`, `short`).
    public var positionSide: PositionSide
    /// The portfolio's position plus the missed fills reconciliation applies.
    public var expected: FixedPoint
    /// OKX's position.
    public var venue: FixedPoint
    /// How much of the difference fills of external orders account for.
    public var externalFills: FixedPoint
    /// The strategies to halt.
    public var strategies: Set<StrategyName>

    public var description: String {
        "position mismatch on \(instrument) (\(positionSide.rawValue)): the runtime expects \(expected), OKX holds \(venue)"
            + (externalFills.isZero ? "" : " (orders placed outside the runtime moved \(externalFills))")
            + "; halting \(strategies.map(\.rawValue).sorted().joined(separator: ", "))"
    }
}

/// The outcome of ``OKXReconciler/plan(_:)``: either lookups still needed, or the steps.
public enum OKXReconciliationPlan: Sendable, Hashable {
    /// Look these orders up (`GET /trade/order` by client id), add the answers to
    /// ``OKXReconciliationInput/lookedUp`` and plan again.
    case needsLookups([OKXOrderLookup])
    /// Carry these out in order, then replay the buffered pushes.
    case steps([OKXReconciliationStep])
}
