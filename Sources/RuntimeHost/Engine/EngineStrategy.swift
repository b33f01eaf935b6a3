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

    public init(name: StrategyName, registration: StrategyRegistration, instruments: [Instrument],
                channels: [StrategyChannel], parameters: ParameterValue, allocatedCapital: Money,
                riskLimits: RiskLimits, restoredRisk: StrategyRiskSnapshot = StrategyRiskSnapshot(state: .active)) {
        self.name = name
        self.registration = registration
        self.instruments = instruments
        self.channels = channels
        self.parameters = parameters
        self.allocatedCapital = allocatedCapital
        self.riskLimits = riskLimits
        self.restoredRisk = restoredRisk
    }
}

/// Which market callbacks a strategy asked for, resolved once so dispatch is a few bit tests.
struct ChannelMask {
    var trades = false
    var tickers = false
    var books = false
    var candleIntervals: Set<CandleInterval> = []

    init(_ channels: [StrategyChannel]) {
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
