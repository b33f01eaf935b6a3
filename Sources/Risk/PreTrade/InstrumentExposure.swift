import TradingCore

/// One position leg in order units (base currency for spot, contracts otherwise) with the
/// open orders that would move it: `pendingUp` would raise the signed position, `pendingDown`
/// lower it. Net mode uses a signed position; hedge-mode long and short legs are never negative.
struct ExposureLeg: Sendable, Hashable {
    var position = FixedPoint.zero
    var pendingUp = FixedPoint.zero
    var pendingDown = FixedPoint.zero

    /// The largest absolute position reachable if every open order in one direction fills.
    var worstCase: FixedPoint {
        let up = (position + pendingUp).magnitude
        let down = (position - pendingDown).magnitude
        return up > down ? up : down
    }

    /// For an order moving the leg by ±quantity: the signed distance already covered in that
    /// direction (position plus same-direction open orders, signed so that the order adds to it).
    @inline(__always) func directionalBase(up: Bool) -> FixedPoint {
        up ? position + pendingUp : -(position - pendingDown)
    }

    /// Whether an order of `quantity` in this direction can only shrink the position, even if
    /// every open order in the same direction fills first.
    @inline(__always) func isReducing(up: Bool, quantity: FixedPoint) -> Bool {
        if up {
            return position.isNegative && position + pendingUp + quantity <= .zero
        }
        return position.isPositive && position - pendingDown - quantity >= .zero
    }
}

/// Which leg an order moves and in which direction.
struct LegSelector: Sendable, Hashable {
    enum Leg: UInt8 { case net, long, short }
    var leg: Leg
    var up: Bool

    @inline(__always) init(side: Side, positionSide: PositionSide) {
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

/// The risk engine's view of one instrument within one strategy.
struct InstrumentSlot: Sendable {
    let instrument: Instrument
    /// What one order unit is in base currency: the contract value, or 1 for spot.
    let unitMultiplier: FixedPoint
    var net = ExposureLeg()
    var long = ExposureLeg()
    var short = ExposureLeg()
    /// The last reference price seen for the instrument (values positions for leverage).
    var valuationPrice = FixedPoint.zero
    /// Worst-case gross exposure in quote currency at `valuationPrice`, as last computed.
    var cachedNotional = FixedPoint.zero
    /// Whether a data-quality alert is open for the instrument.
    var dataQualityAlert = false

    init(instrument: Instrument) {
        self.instrument = instrument
        self.unitMultiplier = instrument.contractValue?.value ?? .one
    }

    @inline(__always) func leg(_ leg: LegSelector.Leg) -> ExposureLeg {
        switch leg {
        case .net: net
        case .long: long
        case .short: short
        }
    }

    @inline(__always) mutating func modifyLeg(_ leg: LegSelector.Leg, _ body: (inout ExposureLeg) -> Void) {
        switch leg {
        case .net: body(&net)
        case .long: body(&long)
        case .short: body(&short)
        }
    }

    /// Worst-case gross quantity over all legs, in order units.
    var worstCaseQuantity: FixedPoint { net.worstCase + long.worstCase + short.worstCase }

    /// The quote value of one order unit at `price`.
    @inline(__always) func unitValue(at price: FixedPoint) -> FixedPoint? {
        if unitMultiplier == .one { return price }
        return try? price.multiplied(by: unitMultiplier)
    }

    /// Recomputes `cachedNotional` at `valuationPrice`; returns the change.
    mutating func revalue() -> FixedPoint {
        let old = cachedNotional
        if let unit = unitValue(at: valuationPrice), let value = try? worstCaseQuantity.multiplied(by: unit, rounding: .up) {
            cachedNotional = value
        }
        return cachedNotional - old
    }
}
