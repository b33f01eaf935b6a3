import Execution
import OKXTrading
import Synchronization
import TradingCore

/// The runtime's positions as reconciliation compares them with OKX's: what the portfolio holds
/// (the host reports each fill it applied, and the positions it restored at start) plus the fills
/// the desk has reported and the host has not applied yet. Both change under one lock, so a
/// reconciliation never sees a fill twice or not at all, whenever it runs.
public final class OKXHeldPositions: Sendable {
    fileprivate struct Key: Hashable {
        var strategy: StrategyName
        var instrument: InstrumentId
        var positionSide: PositionSide
    }

    private struct State {
        /// The portfolio's positions (signed).
        var applied: [Key: FixedPoint] = [:]
        /// Fills reported to the host and not yet applied by its portfolio (signed sizes).
        var inFlight: [Key: FixedPoint] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// `strategy`'s position in `instrument` is `quantity` (signed: short is negative), as restored.
    public func set(_ quantity: FixedPoint, strategy: StrategyName, instrument: InstrumentId, positionSide: PositionSide) {
        state.withLock { $0.applied[Key(strategy: strategy, instrument: instrument, positionSide: positionSide)] = quantity }
    }

    /// The desk reported `fill` to the host.
    func reported(_ fill: Fill) {
        state.withLock { $0.inFlight[Key(fill), default: .zero] += fill.quantity.value.times(fill.side.sign) }
    }

    /// The host's portfolio applied `fill`; the position is now `position`.
    func applied(_ fill: Fill, position: FixedPoint) {
        state.withLock { state in
            let key = Key(fill)
            state.applied[key] = position
            state.inFlight[key, default: .zero] -= fill.quantity.value.times(fill.side.sign)
        }
    }

    /// The positions by instrument and side, with the strategies that trade each.
    public var snapshot: [OKXLocalPosition] {
        let current = state.withLock { $0 }
        var totals: [InstrumentId: [PositionSide: (size: FixedPoint, strategies: Set<StrategyName>)]] = [:]
        for key in Set(current.applied.keys).union(current.inFlight.keys) {
            var entry = totals[key.instrument]?[key.positionSide] ?? (.zero, [])
            entry.size += (current.applied[key] ?? .zero) + (current.inFlight[key] ?? .zero)
            entry.strategies.insert(key.strategy)
            totals[key.instrument, default: [:]][key.positionSide] = entry
        }
        return totals.sorted { $0.key < $1.key }.flatMap { instrument, sides in
            sides.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                OKXLocalPosition(instrument: instrument, positionSide: $0.key, size: $0.value.size, strategies: $0.value.strategies)
            }
        }
    }
}

extension OKXHeldPositions.Key {
    init(_ fill: Fill) {
        self.init(strategy: fill.strategy, instrument: fill.instrument, positionSide: fill.positionSide)
    }
}
