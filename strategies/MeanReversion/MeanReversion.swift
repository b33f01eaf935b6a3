import StrategyKit
import TradingCore

/// Bollinger-band mean reversion: when the price closes more than `entry_z` standard deviations
/// below its rolling mean it buys, expecting a return to the mean; it exits once the z-score has
/// recovered above `-exit_z`. With `allow_short`, the mirror image above the mean. A `stop_z`
/// beyond the entry closes a position whose move keeps going instead of reverting.
///
/// Prices are trades (or ticker last prices) sampled into `bar_seconds` time bars, or confirmed
/// candle closes. Each instrument of the manifest is traded independently.
public final class MeanReversion: Strategy {
    /// Where prices come from.
    public enum PriceSource: String, Decodable, Sendable {
        /// Public trades, sampled into time bars of `bar_seconds`.
        case trades
        /// Confirmed candles' closes.
        case candles
        /// Ticker last prices, sampled into time bars of `bar_seconds`.
        case ticker
    }

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
        /// Bar length when sampling trades or tickers (default 60).
        public var barSeconds: Double?
        /// Where prices come from (default `trades`).
        public var priceSource: PriceSource?
        /// Whether to sell short above the band (default false).
        public var allowShort: Bool?
    }

    private struct Band {
        var statistics: RollingStatistics
        var sampler: TimeBarSampler
    }

    private let context: StrategyContext
    private let parameters: Parameters
    private let source: PriceSource
    private let allowShort: Bool
    private var bands: [InstrumentId: Band] = [:]

    /// Checks the parameters and prepares one band per instrument.
    public init(context: StrategyContext, parameters: Parameters) throws {
        try require(parameters.window >= 2, "window", "must be at least 2, got \(parameters.window)")
        try require(parameters.entryZ > 0, "entry_z", "must be positive, got \(parameters.entryZ)")
        try require(parameters.exitZ >= 0 && parameters.exitZ < parameters.entryZ, "exit_z",
                    "must be at least 0 and below entry_z (\(parameters.entryZ)), got \(parameters.exitZ)")
        if let stop = parameters.stopZ {
            try require(stop > parameters.entryZ, "stop_z", "must be above entry_z (\(parameters.entryZ)), got \(stop)")
        }
        try require(!parameters.orderQuantity.isZero, "order_quantity", "must be positive")
        let barSeconds = parameters.barSeconds ?? 60
        try require(barSeconds >= 0.001, "bar_seconds", "must be at least 0.001, got \(barSeconds)")
        self.context = context
        self.parameters = parameters
        self.source = parameters.priceSource ?? .trades
        self.allowShort = parameters.allowShort ?? false
        for instrument in context.instrumentIds {
            bands[instrument] = Band(statistics: try RollingStatistics(period: parameters.window),
                                     sampler: try TimeBarSampler(seconds: barSeconds))
        }
    }

    /// Closes every position when stopping (dust below the minimum order size stays; see
    /// ``StrategyContext/flatten(_:)``).
    public func stop() throws {
        for instrument in context.instrumentIds { try context.flatten(instrument) }
    }

    /// Samples trade prices into bars.
    public func onTrade(_ trade: TradeTick) throws {
        guard source == .trades else { return }
        try sample(trade.instrument, price: trade.price, at: trade.timestamp)
    }

    /// Samples ticker last prices into bars.
    public func onTicker(_ ticker: Ticker) throws {
        guard source == .ticker else { return }
        try sample(ticker.instrument, price: ticker.last, at: ticker.timestamp)
    }

    /// Uses each confirmed candle's close as a bar.
    public func onCandle(_ candle: Candle) throws {
        guard source == .candles, candle.isConfirmed != false else { return }
        try barClosed(candle.instrument, close: candle.close.double)
    }

    /// Logs refusals; the next bar re-evaluates.
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        context.logger.warning("order \(rejection.clientOrderId) refused: \(rejection.reason)")
    }

    private func sample(_ instrument: InstrumentId, price: Price, at time: Timestamp) throws {
        guard let close = bands[instrument]?.sampler.update(price: price.double, at: time) else { return }
        try barClosed(instrument, close: close)
    }

    private func barClosed(_ instrument: InstrumentId, close: Double) throws {
        guard var band = bands[instrument] else { return }
        band.statistics.update(close)
        bands[instrument] = band
        guard let z = band.statistics.zScore(of: close) else { return }
        guard !context.hasOpenOrders(on: instrument) else { return }
        let position = context.position(instrument)
        let size = parameters.orderQuantity
        if position.isFlat {
            if z <= -parameters.entryZ {
                context.logger.info("\(instrument): z \(z) below -\(parameters.entryZ), buying")
                try context.buyMarket(instrument, quantity: size)
            } else if allowShort && z >= parameters.entryZ {
                context.logger.info("\(instrument): z \(z) above \(parameters.entryZ), selling short")
                try context.sellMarket(instrument, quantity: size)
            }
            return
        }
        let stopped = parameters.stopZ.map { position.isLong ? z <= -$0 : z >= $0 } ?? false
        let reverted = position.isLong ? z >= -parameters.exitZ : z <= parameters.exitZ
        if reverted || stopped {
            context.logger.info("\(instrument): z \(z), \(stopped ? "stop" : "reverted"), closing")
            try context.flatten(instrument)
        }
    }
}
