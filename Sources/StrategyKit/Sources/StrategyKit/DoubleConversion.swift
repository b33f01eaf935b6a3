import TradingCore

extension FixedPoint {
    /// The fixed-point value nearest to `value` (to 12 decimals), for turning an indicator's
    /// `Double` into a price or size; nil for NaN, infinities and values beyond the range. Round the
    /// result onto the instrument's grid (`context.roundPrice`) before ordering.
    public init?(approximating value: Double) {
        guard value.isFinite, abs(value) < 1e26 else { return nil }
        let whole = value.rounded(.towardZero)
        let fraction = ((value - whole) * 1e12).rounded()
        self.init(raw: Int128(whole) * FixedPoint.scale + Int128(fraction))
    }
}

extension Price {
    /// The price nearest to `value`; nil for negative, NaN, infinite or out-of-range values.
    public init?(approximating value: Double) {
        guard value >= 0, let fixed = FixedPoint(approximating: value) else { return nil }
        self.init(fixed)
    }
}
