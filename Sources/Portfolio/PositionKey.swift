import TradingCore

/// What identifies one position: the owning strategy, the instrument, and the OKX position
/// side (`net` in one-way mode and for spot holdings; `long`/`short` in hedge mode).
public struct PositionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var strategy: StrategyName
    public var instrument: InstrumentId
    public var positionSide: PositionSide

    public init(strategy: StrategyName, instrument: InstrumentId, positionSide: PositionSide = .net) {
        self.strategy = strategy
        self.instrument = instrument
        self.positionSide = positionSide
    }

    public static func < (lhs: PositionKey, rhs: PositionKey) -> Bool {
        (lhs.strategy.rawValue, lhs.instrument.symbol, lhs.positionSide.rawValue)
            < (rhs.strategy.rawValue, rhs.instrument.symbol, rhs.positionSide.rawValue)
    }

    public var description: String { "\(strategy)/\(instrument)/\(positionSide.rawValue)" }
}
