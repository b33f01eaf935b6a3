import DataQuality
import Execution
import Portfolio
import Risk
import TradingCore

/// Something the engine decided must be persisted. Collected on the hot path into the engine's
/// outbox and handed to the writers off it, in the order it happened.
public enum EngineRecord: Sendable {
    /// An order's row changed without a fill (sent, accepted, canceled, rejected, amended).
    case order(TradeRecord)
    /// A fill: the order's row and the changed position, written in one transaction.
    case fill(TradeRecord, PositionRecord)
    /// A position revalued at the market (written at a bounded rate).
    case positionMark(PositionRecord)
    /// What the risk engine produced: a risk event, a state transition, an audit row.
    case risk(RiskOutput)
    /// A day's performance of one strategy (upserted per strategy and date).
    case performance(DailyPerformance)
    /// Market data to keep (only when market-data persistence is on).
    case tick(TradeTick)
    case candle(Candle)
    /// A data-quality counter for system_metrics.
    case qualityMetric(QualityMetric)
}

/// The portfolio's position record, named apart from the database row type of the same name
/// (`Portfolio.PositionRecord` cannot be written: the module has a class called Portfolio).
public typealias PortfolioPositionRecord = PositionRecord
