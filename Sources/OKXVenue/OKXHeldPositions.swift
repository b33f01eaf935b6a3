import OKXTrading
import Synchronization
import TradingCore

/// The portfolio's positions as the host last reported them (after each fill, and once at start
/// for the positions it restored), readable from the private socket's reconciliation, which runs
/// apart from the host's loop.
///
/// A fill the desk has applied but the host has not yet taken is not in it: a reconciliation
/// at that moment can see a difference that is not real (see ``OKXReconciler``).
public final class OKXHeldPositions: Sendable {
    private struct Key: Hashable {
        var strategy: StrategyName
        var instrument: InstrumentId
        var positionSide: PositionSide
    }

    private let sizes = Mutex<[Key: FixedPoint]>([:])

    public init() {}

    /// `strategy`'s position in `instrument` is now `quantity` (signed: short is negative).
    public func set(_ quantity: FixedPoint, strategy: StrategyName, instrument: InstrumentId, positionSide: PositionSide) {
        sizes.withLock { $0[Key(strategy: strategy, instrument: instrument, positionSide: positionSide)] = quantity }
    }

    /// The positions by instrument and side, as reconciliation compares them with OKX's.
    public var snapshot: [OKXLocalPosition] {
        var totals: [InstrumentId: [PositionSide: (size: FixedPoint, strategies: Set<StrategyName>)]] = [:]
        for (key, quantity) in sizes.withLock({ $0 }) {
            var entry = totals[key.instrument]?[key.positionSide] ?? (.zero, [])
            entry.size += quantity
            if !quantity.isZero { entry.strategies.insert(key.strategy) }
            totals[key.instrument, default: [:]][key.positionSide] = entry
        }
        return totals.sorted { $0.key < $1.key }.flatMap { instrument, sides in
            sides.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                OKXLocalPosition(instrument: instrument, positionSide: $0.key, size: $0.value.size, strategies: $0.value.strategies)
            }
        }
    }
}
