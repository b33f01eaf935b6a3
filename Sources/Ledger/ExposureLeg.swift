import TradingCore

/// One position leg in order units (base currency for spot, contracts otherwise) with the
/// open orders that would move it: `pendingUp` would raise the signed position, `pendingDown`
/// lower it. Net mode uses a signed position; hedge-mode long and short legs are never negative.
///
/// A value computed from the ledger when asked (never stored beside it), so it cannot drift.
public struct ExposureLeg: Sendable, Hashable {
    public var position = FixedPoint.zero
    public var pendingUp = FixedPoint.zero
    public var pendingDown = FixedPoint.zero

    public init(position: FixedPoint = .zero, pendingUp: FixedPoint = .zero, pendingDown: FixedPoint = .zero) {
        self.position = position
        self.pendingUp = pendingUp
        self.pendingDown = pendingDown
    }

    /// The largest absolute position reachable if every open order in one direction fills.
    public var worstCase: FixedPoint {
        let up = (position + pendingUp).magnitude
        let down = (position - pendingDown).magnitude
        return up > down ? up : down
    }

    /// For an order moving the leg by ±quantity: the signed distance already covered in that
    /// direction (position plus same-direction open orders, signed so that the order adds to it).
    @inline(__always) public func directionalBase(up: Bool) -> FixedPoint {
        up ? position + pendingUp : -(position - pendingDown)
    }

    /// Whether an order of `quantity` in this direction can only shrink the position, even if
    /// every open order in the same direction fills first.
    @inline(__always) public func isReducing(up: Bool, quantity: FixedPoint) -> Bool {
        if up {
            return position.isNegative && position + pendingUp + quantity <= .zero
        }
        return position.isPositive && position - pendingDown - quantity >= .zero
    }
}

/// The three legs of one strategy's exposure in one instrument.
public struct InstrumentExposure: Sendable, Hashable {
    public var net = ExposureLeg()
    public var long = ExposureLeg()
    public var short = ExposureLeg()

    public init() {}

    public subscript(leg: LegSelector.Leg) -> ExposureLeg {
        get {
            switch leg {
            case .net: net
            case .long: long
            case .short: short
            }
        }
        set {
            switch leg {
            case .net: net = newValue
            case .long: long = newValue
            case .short: short = newValue
            }
        }
    }

    /// Worst-case gross quantity over all legs, in order units.
    public var worstCaseQuantity: FixedPoint { net.worstCase + long.worstCase + short.worstCase }
}

/// Which leg an order moves and in which direction.
public struct LegSelector: Sendable, Hashable {
    public enum Leg: UInt8, Sendable { case net, long, short }
    public var leg: Leg
    public var up: Bool

    @inline(__always) public init(side: Side, positionSide: PositionSide) {
        switch positionSide {
        case .net:
            leg = .net
            up = side == .buy
        case .long:
            leg = .long
            up = side == .buy
        case .short:
            leg = .short
            up = side == .sell
        }
    }
}
