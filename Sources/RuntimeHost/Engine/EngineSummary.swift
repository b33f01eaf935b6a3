import DataQuality
import Execution
import TradingCore

/// Counts of what passed through the engine: the replay summary and the host's metrics.
public struct EngineSummary: Sendable, Hashable {
    public struct StrategyFigures: Sendable, Hashable {
        public var orders = 0
        public var fills = 0
        public var riskRejections = 0
        public var realizedPnl = Money.zero
        public var fees = Money.zero
        public init() {}
    }

    /// How the paper venue priced one instrument's orders.
    public struct InstrumentFigures: Sendable, Hashable {
        /// The model in use at the end (or when last looked at): book, trades or candles; nil
        /// while the venue has seen no market data for the instrument.
        public var fillModel: FillModel?
        /// Fills by the model that priced them (a run of candles then trades has both).
        public var fills: [FillModel: Int] = [:]
        public init() {}
    }

    public var frames = 0
    public var trades = 0
    public var tickers = 0
    public var candles = 0
    public var books = 0
    public var controlMessages = 0
    public var unsupportedFrames = 0
    public var decodeErrors = 0
    public var accepted = 0
    public var flagged: [String: Int] = [:]
    public var rejected: [String: Int] = [:]
    public var orders = 0
    public var fills = 0
    public var riskRejections = 0
    public var venueRejections = 0
    public var bookIncidents = 0
    public var strategyFaults = 0
    public var budgetOverruns = 0
    public var strategies: [StrategyName: StrategyFigures] = [:]
    /// How each order the venue took ended, so that a run without fills says why.
    public var venueOutcomes: [VenueOutcome: Int] = [:]
    /// Orders still open on the venue when the engine stopped (e.g. a market order waiting for a
    /// next bar that never came).
    public var openOrdersAtStop = 0
    /// Fill model and fills per instrument a strategy trades.
    public var instruments: [InstrumentId: InstrumentFigures] = [:]
    /// The event time of the earliest event seen (zero before any).
    public var firstEventTime = Timestamp.zero
    /// The event time of the last event seen.
    public var lastEventTime = Timestamp.zero

    public init() {}

    /// Market events of every kind.
    public var events: Int { trades + tickers + candles + books }

    mutating func count(_ verdict: QualityVerdict) {
        switch verdict {
        case .accept: accepted += 1
        case .flag(let reason): flagged[reason.rawValue, default: 0] += 1
        case .reject(let reason): rejected[reason.rawValue, default: 0] += 1
        }
    }
}

extension EngineSummary.InstrumentFigures {
    /// One fill the `model` priced, which is now the model in use.
    mutating func count(fillBy model: FillModel) {
        fills[model, default: 0] += 1
        fillModel = model
    }
}
