import Risk
import TradingCore

extension EngineStrategy {
    /// The engine's view of a validated manifest: its plugin registration, instruments, channels,
    /// parameters, capital and risk limits (validated again by the Risk module's own rules).
    public init(validated: ValidatedManifest, restoredRisk: StrategyRiskSnapshot = StrategyRiskSnapshot(state: .active)) throws(RiskLimitsError) {
        let manifest = validated.manifest
        self.init(name: manifest.name, registration: validated.registration, instruments: validated.instruments,
                  channels: manifest.channels, parameters: manifest.parameters, allocatedCapital: manifest.allocatedCapital,
                  riskLimits: try Self.riskLimits(manifest.riskLimits, allocatedCapital: manifest.allocatedCapital),
                  restoredRisk: restoredRisk, bars: manifest.bars)
    }

    static func riskLimits(_ values: [RiskLimitKey: FixedPoint], allocatedCapital: Money) throws(RiskLimitsError) -> RiskLimits {
        func count(_ key: RiskLimitKey) -> Int? {
            values[key].map { Int(clamping: $0.raw / FixedPoint.scale) }
        }
        let limits = RiskLimits(
            maxOrderQuantity: values[.maxOrderQuantity].map(Quantity.init),
            maxOrderNotional: values[.maxOrderNotional].map(Money.init),
            maxPositionSize: values[.maxPositionSize].map(Money.init),
            maxLeverage: values[.maxLeverage],
            priceBandPct: values[.priceBandPct] ?? RiskLimits.defaultPriceBandPct,
            maxOrdersPerMinute: count(.maxOrdersPerMinute) ?? RiskLimits.defaultMaxOrdersPerMinute,
            maxOpenOrders: count(.maxOpenOrders) ?? RiskLimits.defaultMaxOpenOrders,
            maxDailyLoss: values[.maxDailyLoss].map(Money.init),
            maxDrawdownPct: values[.maxDrawdownPct],
            maxConsecutiveLosses: count(.maxConsecutiveLosses),
            allocatedCapital: allocatedCapital.value.isPositive ? allocatedCapital : nil)
        try limits.validate()
        return limits
    }
}
