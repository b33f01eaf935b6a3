import Ledger
import TradingCore

/// The risk engine's own knowledge of one instrument within one strategy: how to value an
/// order unit and the market facts it saw. Positions and open orders are not here: they are
/// read from the ledger at each check.
struct InstrumentSlot: Sendable {
    let instrument: Instrument
    /// What one order unit is in base currency: the contract value, or 1 for spot.
    let unitMultiplier: FixedPoint
    /// The last reference price seen for the instrument (values positions for leverage).
    var valuationPrice = FixedPoint.zero
    /// Whether a data-quality alert is open for the instrument.
    var dataQualityAlert = false

    init(instrument: Instrument) {
        self.instrument = instrument
        self.unitMultiplier = instrument.contractValue?.value ?? .one
    }

    /// The quote value of one order unit at `price`.
    @inline(__always) func unitValue(at price: FixedPoint) -> FixedPoint? {
        if unitMultiplier == .one { return price }
        return try? price.multiplied(by: unitMultiplier)
    }

    /// Worst-case gross exposure in quote currency at ``valuationPrice``, rounded up.
    func notional(of exposure: InstrumentExposure) -> FixedPoint {
        guard let unit = unitValue(at: valuationPrice) else { return .zero }
        return (try? exposure.worstCaseQuantity.multiplied(by: unit, rounding: .up)) ?? .zero
    }
}
