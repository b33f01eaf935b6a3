/// Every pre-trade check, as the reason code a rejection or trim carries. The raw value is
/// stable and dense: the engine indexes per-check counters with it.
public enum RiskCheck: UInt8, Sendable, Hashable, CaseIterable, Codable {
    case killSwitch
    case unknownStrategy
    case strategyState
    case instrumentNotAllowed
    case invalidOrder
    case reduceOnly
    case bookOutOfSync
    case staleData
    case dataQuality
    case noReferencePrice
    case priceBand
    case orderRate
    case openOrders
    case orderQuantity
    case orderNotional
    case positionSize
    case leverage
    case accountGrossNotional
    case belowMinimumSize

    /// The stable reason code (also the `metric_name` of the risk_events row).
    public var code: String {
        switch self {
        case .killSwitch: "kill_switch"
        case .unknownStrategy: "unknown_strategy"
        case .strategyState: "strategy_state"
        case .instrumentNotAllowed: "instrument_not_allowed"
        case .invalidOrder: "invalid_order"
        case .reduceOnly: "reduce_only"
        case .bookOutOfSync: "book_out_of_sync"
        case .staleData: "stale_data_ms"
        case .dataQuality: "data_quality"
        case .noReferencePrice: "no_reference_price"
        case .priceBand: "price_band_pct"
        case .orderRate: "max_orders_per_minute"
        case .openOrders: "max_open_orders"
        case .orderQuantity: "max_order_quantity"
        case .orderNotional: "max_order_notional"
        case .positionSize: "max_position_size"
        case .leverage: "max_leverage"
        case .accountGrossNotional: "max_gross_notional"
        case .belowMinimumSize: "min_order_size"
        }
    }

    /// What the metric and threshold values of a rejection by this check measure.
    public var metricMeaning: String {
        switch self {
        case .killSwitch: "1 when engaged"
        case .unknownStrategy: "none"
        case .strategyState: "state ordinal (0 active, 1 reducing, 2 halted, 3 paused, 4 stopped) vs highest allowed"
        case .instrumentNotAllowed: "none"
        case .invalidOrder: "the offending quantity or price"
        case .reduceOnly: "the order quantity vs what it can still reduce"
        case .bookOutOfSync: "1 when out of sync"
        case .staleData: "age of the last market data in ms vs the threshold"
        case .dataQuality: "1 while a data-quality alert is open"
        case .noReferencePrice: "none"
        case .priceBand: "distance from the reference price in percent vs the band"
        case .orderRate: "orders accepted in the last 60 s vs the limit"
        case .openOrders: "open orders vs the limit"
        case .orderQuantity: "order quantity vs the cap"
        case .orderNotional: "order notional (quote) vs the cap"
        case .positionSize: "position notional after the fill (quote) vs the cap"
        case .leverage: "gross notional over allocated capital after the fill vs the cap"
        case .accountGrossNotional: "account gross notional after the fill (quote) vs the cap"
        case .belowMinimumSize: "trimmed quantity vs the instrument's minimum size"
        }
    }

    /// Whether a smaller order can satisfy this check (so `trim` is meaningful).
    public var isTrimmable: Bool {
        switch self {
        case .orderQuantity, .orderNotional, .positionSize, .leverage, .accountGrossNotional: true
        default: false
        }
    }
}
