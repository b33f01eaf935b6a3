import StrategyKit
import TradingCore

/// Bollinger-band mean reversion on bar closes: when a close is more than `entry_z` standard
/// deviations below its rolling mean it buys, expecting a return to the mean; it exits once the
/// z-score has recovered above `-exit_z`. With `allow_short`, the mirror image above the mean. A
/// `stop_z` beyond the entry closes a position whose move keeps going instead of reverting.
/// Bars come from the manifest's `bars:`; each instrument is traded on its own.
public final class MeanReversion: Strategy {
    /// The manifest's `parameters:`.
    public struct Parameters: Decodable, Sendable {
        /// Bars in the rolling mean and standard deviation (at least 2).
        public var window: Int
        /// Enter when |z| reaches this many standard deviations.
        public var entryZ: Double
        /// Exit when |z| falls back below this (must be below `entry_z`).
        public var exitZ: Double
        /// Close a losing position when |z| goes beyond this (optional; must exceed `entry_z`).
        public var stopZ: Double?
        /// Position size per entry (base units for spot, contracts for swaps).
        public var orderQuantity: Quantity
        /// Whether to sell short above the band (default false).
        public var allowShort: Bool?
    }

    let context: StrategyContext
    let parameters: Parameters
    let bands: PerInstrument<RollingStatistics>

    /// Checks the parameters and prepares one band per instrument.
    public init(context: StrategyContext, parameters p: Parameters) throws {
        try require(p.window >= 2, "window", "must be at least 2, got \(p.window)")
        try require(p.entryZ > 0, "entry_z", "must be positive, got \(p.entryZ)")
        try require(p.exitZ >= 0 && p.exitZ < p.entryZ, "exit_z", "must be at least 0 and below entry_z (\(p.entryZ)), got \(p.exitZ)")
        if let stop = p.stopZ { try require(stop > p.entryZ, "stop_z", "must be above entry_z (\(p.entryZ)), got \(stop)") }
        try require(!p.orderQuantity.isZero, "order_quantity", "must be positive")
        self.context = context
        self.parameters = p
        bands = try context.perInstrument { _ in try RollingStatistics(period: p.window) }
    }

    /// Updates the band and enters or exits on the close's z-score.
    public func onBar(_ bar: Bar) throws {
        let close = bar.close.double
        bands[bar.instrument].update(close)
        guard let z = bands[bar.instrument].zScore(of: close), !context.hasOpenOrders(on: bar.instrument) else { return }
        let position = context.position(bar.instrument)
        if position.isFlat {
            if z <= -parameters.entryZ {
                context.logger.info("\(bar.instrument): z \(z) below -\(parameters.entryZ), buying")
                try context.buyMarket(bar.instrument, quantity: parameters.orderQuantity)
            } else if parameters.allowShort == true && z >= parameters.entryZ {
                context.logger.info("\(bar.instrument): z \(z) above \(parameters.entryZ), selling short")
                try context.sellMarket(bar.instrument, quantity: parameters.orderQuantity)
            }
            return
        }
        let stopped = parameters.stopZ.map { position.isLong ? z <= -$0 : z >= $0 } ?? false
        let reverted = position.isLong ? z >= -parameters.exitZ : z <= parameters.exitZ
        if reverted || stopped {
            context.logger.info("\(bar.instrument): z \(z), \(stopped ? "stop" : "reverted"), closing")
            try context.flatten(bar.instrument)
        }
    }

    /// Closes every position when stopping (dust below the minimum order size stays).
    public func stop() throws {
        for instrument in context.instrumentIds { try context.flatten(instrument) }
    }

    /// Logs refusals; the next bar re-evaluates.
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        context.logger.warning("order \(rejection.clientOrderId) refused: \(rejection.reason)")
    }
}
