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
    var candleIntervals: Set<CandleInterval> = []
    /// What the strategy's bars are built from (nil: it has none).
    var barSource: BarSource?

    init(_ channels: [StrategyChannel], bars: BarSpecification? = nil) {
        barSource = bars?.source
        for channel in channels {
            switch channel {
            case .trades: trades = true
            case .tickers: tickers = true
            case .book: books = true
            case .candle(let interval): candleIntervals.insert(interval)
            }
        }
    }
}
