import StrategyKit
import TradingCore

/// A market-data channel a strategy subscribes to, named as OKX names it.
public enum StrategyChannel: Hashable, Sendable, CustomStringConvertible {
    /// `trades`.
    case trades
    /// `tickers`.
    case tickers
    /// A book channel: `books`, `books5`, `bbo-tbt`, `books-l2-tbt`, `books50-l2-tbt`.
    case book(BookChannel)
    /// A candle channel, e.g. `candle1m`, `candle1H`.
    case candle(CandleInterval)

    /// Parses an OKX channel name; nil if it is not one strategies can subscribe to.
    public init?(name: String) {
        switch name {
        case "trades": self = .trades
        case "tickers": self = .tickers
        default:
            if let book = BookChannel(rawValue: name) {
                self = .book(book)
            } else if name.hasPrefix("candle"), let interval = CandleInterval(okxChannelSuffix: String(name.dropFirst(6))) {
                self = .candle(interval)
            } else {
                return nil
            }
        }
    }

    /// The OKX channel name.
    public var name: String {
        switch self {
        case .trades: "trades"
        case .tickers: "tickers"
        case .book(let channel): channel.rawValue
        case .candle(let interval): "candle" + interval.okxChannelSuffix
        }
    }

    /// The OKX channel name.
    public var description: String { name }
}

/// How a deployed strategy trades.
public enum ManifestMode: String, Hashable, Sendable, CaseIterable {
    /// Against the paper venue.
    case paper
    /// With real orders on OKX.
    case live
}

/// A risk limit a manifest may set (`risk_limits:` keys). The Risk module enforces them.
public enum RiskLimitKey: String, Hashable, Sendable, CaseIterable, Comparable {
    case maxOrderQuantity = "max_order_quantity"
    case maxOrderNotional = "max_order_notional"
    case maxPositionSize = "max_position_size"
    case maxLeverage = "max_leverage"
    case priceBandPct = "price_band_pct"
    case maxOrdersPerMinute = "max_orders_per_minute"
    case maxOpenOrders = "max_open_orders"
    case maxDailyLoss = "max_daily_loss"
    case maxDrawdownPct = "max_drawdown_pct"
    case maxConsecutiveLosses = "max_consecutive_losses"

    /// Whether the limit is a count (a whole number).
    public var isCount: Bool {
        self == .maxOrdersPerMinute || self == .maxOpenOrders || self == .maxConsecutiveLosses
    }

    /// Whether the limit is a percentage (at most 100).
    public var isPercentage: Bool { self == .priceBandPct || self == .maxDrawdownPct }

    /// Orders keys by name.
    public static func < (lhs: RiskLimitKey, rhs: RiskLimitKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A parsed strategy manifest (`strategies/NAME.yaml`): what a quant deploys.
public struct StrategyManifest: Hashable, Sendable {
    /// The deployed strategy's unique name.
    public var name: StrategyName
    /// The plugin module (`strategies/<plugin>/`, `lib<plugin>.so`).
    public var plugin: String
    /// The strategy type the plugin registers.
    public var strategy: String
    /// The manifest's semantic version (`MAJOR.MINOR.PATCH`).
    public var version: String
    /// The instruments traded, in order.
    public var instruments: [InstrumentId]
    /// The market-data channels subscribed.
    public var channels: [StrategyChannel]
    /// The strategy's parameters as written.
    public var parameters: ParameterValue
    /// Capital allocated to the strategy (quote currency).
    public var allocatedCapital: Money
    /// Risk limits by key.
    public var riskLimits: [RiskLimitKey: FixedPoint]
    /// Paper or live.
    public var mode: ManifestMode
    /// The bars the host builds and delivers to `onBar` (`bars:`); nil when none.
    public var bars: BarSpecification?

    /// Creates a manifest.
    public init(name: StrategyName, plugin: String, strategy: String, version: String, instruments: [InstrumentId],
                channels: [StrategyChannel], parameters: ParameterValue, allocatedCapital: Money,
                riskLimits: [RiskLimitKey: FixedPoint], mode: ManifestMode, bars: BarSpecification? = nil) {
        self.name = name
        self.plugin = plugin
        self.strategy = strategy
        self.version = version
        self.instruments = instruments
        self.channels = channels
        self.parameters = parameters
        self.allocatedCapital = allocatedCapital
        self.riskLimits = riskLimits
        self.mode = mode
        self.bars = bars
    }

    /// The risk limits as a JSON object (keys sorted, decimals exact), for the strategies row.
    public var riskLimitsJSON: String {
        ParameterValue.object(Dictionary(uniqueKeysWithValues: riskLimits.map { ($0.key.rawValue, ParameterValue.number($0.value.description)) })).jsonText
    }

    /// The whole manifest as a JSON object (for audit_logs old_value/new_value).
    public var json: ParameterValue {
        var members: [String: ParameterValue] = [
            "name": .string(name.rawValue), "plugin": .string(plugin), "strategy": .string(strategy),
            "version": .string(version), "instruments": .array(instruments.map { .string($0.symbol) }),
            "channels": .array(channels.map { .string($0.name) }), "parameters": parameters,
            "allocated_capital": .number(allocatedCapital.description),
            "risk_limits": .object(Dictionary(uniqueKeysWithValues: riskLimits.map { ($0.key.rawValue, ParameterValue.number($0.value.description)) })),
            "mode": .string(mode.rawValue),
        ]
        if let bars { members["bars"] = .object(["interval": .string(bars.interval.description), "source": .string(bars.source.rawValue)]) }
        return .object(members)
    }
}
