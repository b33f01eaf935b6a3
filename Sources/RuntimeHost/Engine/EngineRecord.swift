import DataQuality
import Execution
import Portfolio
import Risk
import TradingCore

/// Something the engine decided must be persisted. Collected on the hot path into the engine's
/// outbox and handed to the writers off it, in the order it happened.
///
/// The large records are boxed (`indirect`): an enum is as large as its largest case, and each
/// record is copied into the outbox whole. Unboxed, a 40-byte equity sample or a trade tick was
/// copied as the 609 bytes of a fill.
public enum EngineRecord: Sendable {
    /// An order's row changed without a fill (sent, accepted, canceled, rejected, amended).
    indirect case order(TradeRecord)
    /// A fill: the order's row and the changed position, written in one transaction.
    indirect case fill(TradeRecord, PositionRecord)
    /// A position revalued at the market (written at a bounded rate).
    indirect case positionMark(PositionRecord)
    /// A strategy's equity (allocated capital + realized + unrealized − fees) at each mark
    /// interval and after each of its fills: what a report's equity curve is drawn from.
    case equity(EquitySample)
    /// What the risk engine produced: a risk event, a state transition, an audit row.
    indirect case risk(RiskOutput)
    /// A day's performance of one strategy (upserted per strategy and date).
    indirect case performance(DailyPerformance)
    /// Market data to keep (only when market-data persistence is on).
    case tick(TradeTick)
    case candle(Candle)
    /// A data-quality counter for system_metrics.
    case qualityMetric(QualityMetric)
}

extension EngineRecord {
    /// Which records an engine keeps (``TradingEngine/keptRecords``). A record of a kind not kept
    /// is not even built: in a backtest, records nobody reads cost a good part of the time.
    public struct Kinds: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8

        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Order rows, fills with their positions, risk outputs, data-quality metrics and market
        /// data: what the trading tables, the audit trail and the risk events hold.
        public static let trading = Kinds(rawValue: 1 << 0)
        /// Positions revalued at each mark interval (``EngineRecord/positionMark(_:)``): the
        /// positions table's unrealized PnL.
        public static let positionMarks = Kinds(rawValue: 1 << 1)
        /// Each strategy's equity at each mark interval and after its fills (``EngineRecord/equity(_:)``).
        public static let equity = Kinds(rawValue: 1 << 2)
        /// The daily performance rollups (``EngineRecord/performance(_:)``).
        public static let dailyRollups = Kinds(rawValue: 1 << 3)

        /// Every kind: what an engine keeps unless told otherwise.
        public static let all: Kinds = [.trading, .positionMarks, .equity, .dailyRollups]
    }
}

/// The portfolio's position record, named apart from the database row type of the same name
/// (`Portfolio.PositionRecord` cannot be written: the module has a class called Portfolio).
public typealias PortfolioPositionRecord = PositionRecord
