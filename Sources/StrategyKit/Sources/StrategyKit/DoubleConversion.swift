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

extension Price {
    /// The price as a `Double`, for indicators: `candle.close.double`.
    public var double: Double { value.doubleValue }
}

extension Quantity {
    /// The size as a `Double`, for indicators and ratios.
    public var double: Double { value.doubleValue }
}

extension Money {
    /// The amount as a `Double`, for ratios and statistics.
    public var double: Double { value.doubleValue }
}
