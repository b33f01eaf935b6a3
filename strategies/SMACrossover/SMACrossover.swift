import StrategyKit
import TradingCore

/// Trend following on bar closes: long while the `fast_period` average is above the
/// `slow_period` one, flat (or short, with `allow_short`) while below. It trades only when the
/// averages cross, with one market order to the new target. Bars come from the manifest's
/// `bars:`; each instrument is traded on its own.
public final class SMACrossover: Strategy {
    /// The manifest's `parameters:`.
    public struct Parameters: Decodable, Sendable {
        /// Bars in the fast average.
        public var fastPeriod: Int
        /// Bars in the slow average; must exceed `fast_period`.
        public var slowPeriod: Int
        /// The position held while trending (base units for spot, contracts for swaps).
        public var orderQuantity: Quantity
        /// Whether to go short when the fast average is below the slow one (default false: flat).
        public var allowShort: Bool?
    }

    struct Trend {
        var fast: SimpleMovingAverage
        var slow: SimpleMovingAverage
        /// Whether fast was above slow at the last bar where they differed; nil before that.
        var above: Bool?
    }

    let context: StrategyContext
    let parameters: Parameters
    let trends: PerInstrument<Trend>

    /// Checks the parameters and prepares one pair of averages per instrument.
    public init(context: StrategyContext, parameters p: Parameters) throws {
        try require(p.fastPeriod >= 1, "fast_period", "must be at least 1, got \(p.fastPeriod)")
        try require(p.slowPeriod > p.fastPeriod, "slow_period", "must be greater than fast_period (\(p.fastPeriod)), got \(p.slowPeriod)")
        try require(!p.orderQuantity.isZero, "order_quantity", "must be positive")
        self.context = context
        self.parameters = p
        trends = try context.perInstrument { _ in
            Trend(fast: try SimpleMovingAverage(period: p.fastPeriod), slow: try SimpleMovingAverage(period: p.slowPeriod))
        }
    }

    /// Updates the averages and trades a crossover.
    public func onBar(_ bar: Bar) throws {
        let fastAverage = trends[bar.instrument].fast.update(bar.close.double)
        let slowAverage = trends[bar.instrument].slow.update(bar.close.double)
        guard let fast = fastAverage, let slow = slowAverage, fast != slow else { return }
        let wasAbove = trends[bar.instrument].above
        trends[bar.instrument].above = fast > slow
        guard let wasAbove, wasAbove != (fast > slow) else { return }
        context.logger.info("\(bar.instrument): fast \(fast) crossed \(fast > slow ? "above" : "below") slow \(slow)")
        let size = parameters.orderQuantity.value
        try context.orderTarget(bar.instrument, netQuantity: fast > slow ? size : (parameters.allowShort == true ? size.negated : .zero))
    }

    /// Closes every position when stopping (dust below the minimum order size stays).
    public func stop() throws {
        for instrument in context.instrumentIds { try context.flatten(instrument) }
    }

    /// Logs refusals; the next crossover tries again.
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        context.logger.warning("order \(rejection.clientOrderId) refused: \(rejection.reason)")
    }
}
