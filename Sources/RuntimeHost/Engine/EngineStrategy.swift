import Risk
import StrategyKit
import TradingCore

/// One strategy as the engine runs it: the plugin's registration and what its deployment says.
public struct EngineStrategy {
    public var name: StrategyName
    public var registration: StrategyRegistration
    public var instruments: [Instrument]
    public var channels: [StrategyChannel]
    public var parameters: ParameterValue
    public var allocatedCapital: Money
    public var riskLimits: RiskLimits
    /// The persisted trading state and monitors (a halted strategy comes back halted).
    public var restoredRisk: StrategyRiskSnapshot
    /// The bars the engine builds for the strategy (the manifest's `bars:`); nil for none.
    public var bars: BarSpecification?

    public init(name: StrategyName, registration: StrategyRegistration, instruments: [Instrument],
                channels: [StrategyChannel], parameters: ParameterValue, allocatedCapital: Money,
                riskLimits: RiskLimits, restoredRisk: StrategyRiskSnapshot = StrategyRiskSnapshot(state: .active),
                bars: BarSpecification? = nil) {
        self.name = name
        self.registration = registration
        self.instruments = instruments
        self.channels = channels
        self.parameters = parameters
        self.allocatedCapital = allocatedCapital
        self.riskLimits = riskLimits
        self.restoredRisk = restoredRisk
        self.bars = bars
    }

    /// The aggregator building the strategy's bars from its channels; nil without `bars:`.
    func makeBarAggregator() -> BarAggregator? {
        bars.map { BarAggregator(specification: $0, instruments: instruments.map(\.id), candleInterval: $0.candleInterval(in: channels)) }
    }
}

/// Which market callbacks a strategy asked for, resolved once so dispatch is a few bit tests.
struct ChannelMask {
    var trades = false
    var tickers = false
    var books = false
    /// One bit per subscribed candle interval (``bit(of:)``): tested for every candle, and a bit
    /// test neither hashes nor retains, as a set would.
    private var candleIntervalBits: UInt16 = 0
    /// What the strategy's bars are built from (nil: it has none).
    var barSource: BarSource?

    init(_ channels: [StrategyChannel], bars: BarSpecification? = nil) {
        barSource = bars?.source
        for channel in channels {
            switch channel {
            case .trades: trades = true
            case .tickers: tickers = true
            case .book: books = true
            case .candle(let interval): candleIntervalBits |= Self.bit(of: interval)
            }
        }
    }

    /// Whether the strategy subscribed to candles of `interval`.
    func wantsCandles(of interval: CandleInterval) -> Bool { candleIntervalBits & Self.bit(of: interval) != 0 }

    private static func bit(of interval: CandleInterval) -> UInt16 {
        switch interval {
        case .oneSecond: 1 << 0
        case .oneMinute: 1 << 1
        case .threeMinutes: 1 << 2
        case .fiveMinutes: 1 << 3
        case .fifteenMinutes: 1 << 4
        case .thirtyMinutes: 1 << 5
        case .oneHour: 1 << 6
        case .twoHours: 1 << 7
        case .fourHours: 1 << 8
        case .sixHours: 1 << 9
        case .twelveHours: 1 << 10
        case .oneDay: 1 << 11
        case .oneWeek: 1 << 12
        }
    }
}
