import TradingCore

/// One strategy's risk limits: the manifest's `risk_limits` map, completed by the
/// strategies row (`allocated_capital`, `max_position_size`, `max_leverage`).
///
/// Units and defaults (a limit left out is not enforced unless a default is given):
/// - `max_order_quantity`: per order, in the instrument's order unit (base currency for spot,
///   contracts for swaps and futures). No default.
/// - `max_order_notional`: per order, quote currency; contracts are converted with the
///   contract value. No default.
/// - `max_position_size`: per instrument, the absolute position after the order fills
///   (worst case: with the strategy's other open orders in the same direction), valued in
///   quote currency at the order's price. Long and short alike. No default.
/// - `max_leverage`: gross notional of all the strategy's positions and open orders divided
///   by `allocated_capital`, at most 125 (OKX's maximum). Needs `allocated_capital`. Default 1
///   (cash: no more bought than the capital) for a strategy that trades only spot; none for one
///   that trades derivatives. Set it above 1 to trade spot on margin.
/// - `max_consecutive_losses`: closed trades in a row whose realized PnL net of their fees is
///   negative.
/// - `price_band_pct`: how far (percent) a limit price, or the best opposite price a market
///   order would take, may lie from the mark (or mid). Default 5, at most 100.
/// - `max_orders_per_minute`: orders accepted in any sliding 60 s window. Default 60.
/// - `max_open_orders`: orders accepted and not yet finished. Default 50.
/// - `max_daily_loss`: quote currency, realized + unrealized since 00:00 UTC (event time).
/// - `max_drawdown_pct`: percent below peak equity, in (0, 100].
/// - `actions`: per-check `reject` or `trim` (see ``RiskActions``).
///
/// Values may be written as quoted decimals (exact) or bare numbers. Zero, negative and
/// out-of-range values are refused with an error naming the field; so are unknown fields.
public struct RiskLimits: Sendable, Hashable, Decodable {
    /// `max_order_quantity` (see the type's documentation for unit and default).
    public var maxOrderQuantity: Quantity?
    /// `max_order_notional` (see the type's documentation for unit and default).
    public var maxOrderNotional: Money?
    /// `max_position_size` (see the type's documentation for unit and default).
    public var maxPositionSize: Money?
    /// `max_leverage` (see the type's documentation for unit and default).
    public var maxLeverage: FixedPoint?
    /// `price_band_pct` (see the type's documentation for unit and default).
    public var priceBandPct: FixedPoint
    /// `max_orders_per_minute` (see the type's documentation for unit and default).
    public var maxOrdersPerMinute: Int
    /// `max_open_orders` (see the type's documentation for unit and default).
    public var maxOpenOrders: Int
    /// `max_daily_loss` (see the type's documentation for unit and default).
    public var maxDailyLoss: Money?
    /// `max_drawdown_pct` (see the type's documentation for unit and default).
    public var maxDrawdownPct: FixedPoint?
    /// `max_consecutive_losses` (see the type's documentation for unit and default).
    public var maxConsecutiveLosses: Int?
    /// The capital the strategy trades with (strategies.allocated_capital); the base of leverage.
    public var allocatedCapital: Money?
    /// Per-check actions; unset ones come from the account defaults.
    public var actions: RiskActions

    /// The documented default.
    public static let defaultPriceBandPct = FixedPoint(5)
    /// The documented default.
    public static let defaultMaxOrdersPerMinute = 60
    /// The documented default.
    public static let defaultMaxOpenOrders = 50
    /// The highest accepted `max_orders_per_minute` (the rate window's memory is sized by it).
    public static let maxOrdersPerMinuteCeiling = 6_000
    /// OKX's highest leverage.
    public static let maxLeverageCeiling = FixedPoint(125)

    /// The manifest keys this type reads.
    public static let fieldNames = [
        "max_order_quantity", "max_order_notional", "max_position_size", "max_leverage", "price_band_pct",
        "max_orders_per_minute", "max_open_orders", "max_daily_loss", "max_drawdown_pct", "max_consecutive_losses",
        "allocated_capital", "actions",
    ]

    /// Limits with every default and nothing else.
    public init(maxOrderQuantity: Quantity? = nil, maxOrderNotional: Money? = nil, maxPositionSize: Money? = nil,
                maxLeverage: FixedPoint? = nil, priceBandPct: FixedPoint = RiskLimits.defaultPriceBandPct,
                maxOrdersPerMinute: Int = RiskLimits.defaultMaxOrdersPerMinute,
                maxOpenOrders: Int = RiskLimits.defaultMaxOpenOrders, maxDailyLoss: Money? = nil,
                maxDrawdownPct: FixedPoint? = nil, maxConsecutiveLosses: Int? = nil, allocatedCapital: Money? = nil,
                actions: RiskActions = RiskActions()) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.maxPositionSize = maxPositionSize
        self.maxLeverage = maxLeverage
        self.priceBandPct = priceBandPct
        self.maxOrdersPerMinute = maxOrdersPerMinute
        self.maxOpenOrders = maxOpenOrders
        self.maxDailyLoss = maxDailyLoss
        self.maxDrawdownPct = maxDrawdownPct
        self.maxConsecutiveLosses = maxConsecutiveLosses
        self.allocatedCapital = allocatedCapital
        self.actions = actions
    }

    public init(from decoder: any Decoder) throws {
        let reader = try LimitFieldReader(decoder, known: Self.fieldNames)
        maxOrderQuantity = try reader.positiveDecimal("max_order_quantity").map(Quantity.init)
        maxOrderNotional = try reader.positiveDecimal("max_order_notional").map(Money.init)
        maxPositionSize = try reader.positiveDecimal("max_position_size").map(Money.init)
        maxLeverage = try reader.positiveDecimal("max_leverage", maximum: Self.maxLeverageCeiling,
                                                 reason: "OKX offers no higher leverage")
        priceBandPct = try reader.positiveDecimal("price_band_pct", maximum: FixedPoint(100),
                                                  reason: "a wider band protects nothing") ?? Self.defaultPriceBandPct
        maxOrdersPerMinute = try reader.integer("max_orders_per_minute", in: 1...Self.maxOrdersPerMinuteCeiling)
            ?? Self.defaultMaxOrdersPerMinute
        maxOpenOrders = try reader.integer("max_open_orders", in: 1...100_000) ?? Self.defaultMaxOpenOrders
        maxDailyLoss = try reader.positiveDecimal("max_daily_loss").map(Money.init)
        maxDrawdownPct = try reader.positiveDecimal("max_drawdown_pct", maximum: FixedPoint(100),
                                                    reason: "a drawdown is a percentage of peak equity")
        maxConsecutiveLosses = try reader.integer("max_consecutive_losses", in: 1...1_000_000)
        allocatedCapital = try reader.positiveDecimal("allocated_capital").map(Money.init)
        actions = try reader.actions("actions") ?? RiskActions()
        try validate()
    }

    /// These limits with the strategies row's columns applied: the row is what was deployed,
    /// so a value there wins over the manifest's. A nil column leaves the manifest's value.
    public func applyingStrategyRow(allocatedCapital: Money?, maxPositionSize: Money?,
                                    maxLeverage: FixedPoint?) throws(RiskLimitsError) -> RiskLimits {
        var merged = self
        if let allocatedCapital {
            guard allocatedCapital.value.isPositive else {
                throw .invalidValue(field: "allocated_capital", value: allocatedCapital.description,
                                    reason: "it must be greater than zero")
            }
            merged.allocatedCapital = allocatedCapital
        }
        if let maxPositionSize {
            guard maxPositionSize.value.isPositive else {
                throw .invalidValue(field: "max_position_size", value: maxPositionSize.description,
                                    reason: "it must be greater than zero (leave it NULL for no limit)")
            }
            merged.maxPositionSize = maxPositionSize
        }
        if let maxLeverage {
            guard maxLeverage.isPositive, maxLeverage <= Self.maxLeverageCeiling else {
                throw .invalidValue(field: "max_leverage", value: maxLeverage.description,
                                    reason: "it must be greater than zero and at most \(Self.maxLeverageCeiling)")
            }
            merged.maxLeverage = maxLeverage
        }
        try merged.validate()
        return merged
    }

    /// Cross-field rules: leverage is measured against allocated capital.
    public func validate() throws(RiskLimitsError) {
        if maxLeverage != nil && allocatedCapital == nil {
            throw .missingCompanion(field: "max_leverage", requires: "allocated_capital")
        }
        if let maxOrderQuantity, !maxOrderQuantity.value.isPositive {
            throw .invalidValue(field: "max_order_quantity", value: maxOrderQuantity.description, reason: "it must be greater than zero")
        }
        if !priceBandPct.isPositive || priceBandPct > FixedPoint(100) {
            throw .invalidValue(field: "price_band_pct", value: priceBandPct.description, reason: "it must be in (0, 100]")
        }
        if maxOrdersPerMinute < 1 || maxOrdersPerMinute > Self.maxOrdersPerMinuteCeiling {
            throw .invalidValue(field: "max_orders_per_minute", value: String(maxOrdersPerMinute),
                                reason: "it must be between 1 and \(Self.maxOrdersPerMinuteCeiling)")
        }
        if maxOpenOrders < 1 {
            throw .invalidValue(field: "max_open_orders", value: String(maxOpenOrders), reason: "it must be at least 1")
        }
    }
}
