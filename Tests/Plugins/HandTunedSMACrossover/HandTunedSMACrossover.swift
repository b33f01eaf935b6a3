import StrategyKit
import TradingCore

/// The shipped SMACrossover as it was before the host built bars (issue 20), kept verbatim but for
/// its name as the HotPath benchmark's reference for strategy dispatch: it samples its own bars
/// from trades and needs `@exclusivity(unchecked)` and a hand-rolled index cache to be fast. Not a model to copy:
/// strategies/SMACrossover is the same strategy on the SDK's bars and per-instrument state.
///
/// Trend following with two simple moving averages: long while the fast average is above the slow
/// one, flat (or short, if allowed) while it is below. It acts only when the averages cross, with
/// a market order that moves the position to the new target.
///
/// Prices come from trades sampled into `bar_seconds` time bars, from confirmed candles, or from
/// ticker last prices (`price_source`). Each instrument of the manifest is traded independently.
public final class HandTunedSMACrossover: Strategy {
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
        /// Bars in the fast average.
        public var fastPeriod: Int
        /// Bars in the slow average; must exceed `fast_period`.
        public var slowPeriod: Int
        /// The position size held while trending (base units for spot, contracts for swaps).
        public var orderQuantity: Quantity
        /// Bar length when sampling trades or tickers.
        public var barSeconds: Double?
        /// Where prices come from (default `trades`).
        public var priceSource: PriceSource?
        /// Whether to go short when the fast average is below the slow one (default false: flat).
        public var allowShort: Bool?
    }

    private struct Trend {
        var fast: SimpleMovingAverage
        var slow: SimpleMovingAverage
        var sampler: TimeBarSampler
        /// +1 fast above slow, -1 below, 0 not known yet.
        var regime = 0
    }

    private let context: StrategyContext
    private let parameters: Parameters
    private let source: PriceSource
    private let allowShort: Bool
    // Per-trade state skips Swift's dynamic exclusivity checks: the host calls a strategy from
    // one event loop and these are never accessed across a call back into the strategy.
    /// One trend per instrument, by the index of ``instruments`` (mutated in place: taking a
    /// trend out of a dictionary and writing it back would copy its averages' windows).
    @exclusivity(unchecked) private var trends: [Trend] = []
    private let instruments: [InstrumentId]
    @exclusivity(unchecked) private var lastIndex = 0

    /// Checks the parameters and prepares one pair of averages per instrument.
    public init(context: StrategyContext, parameters: Parameters) throws {
        try require(parameters.fastPeriod >= 1, "fast_period", "must be at least 1, got \(parameters.fastPeriod)")
        try require(parameters.slowPeriod > parameters.fastPeriod, "slow_period",
                    "must be greater than fast_period (\(parameters.fastPeriod)), got \(parameters.slowPeriod)")
        try require(!parameters.orderQuantity.isZero, "order_quantity", "must be positive")
        let barSeconds = parameters.barSeconds ?? 60
        try require(barSeconds >= 0.001, "bar_seconds", "must be at least 0.001, got \(barSeconds)")
        self.context = context
        self.parameters = parameters
        self.source = parameters.priceSource ?? .trades
        self.allowShort = parameters.allowShort ?? false
        self.instruments = context.instrumentIds
        for _ in instruments {
            trends.append(Trend(fast: try SimpleMovingAverage(period: parameters.fastPeriod),
                                slow: try SimpleMovingAverage(period: parameters.slowPeriod),
                                sampler: try TimeBarSampler(seconds: barSeconds)))
        }
    }

    /// Logs the configuration.
    public func start() throws {
        context.logger.info("SMA crossover \(parameters.fastPeriod)/\(parameters.slowPeriod) on \(context.instrumentIds.map(\.symbol).joined(separator: ",")) from \(source.rawValue)")
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

    /// Logs refusals; the next crossover tries again.
    public func onOrderRejected(_ rejection: OrderRejection) throws {
        context.logger.warning("order \(rejection.clientOrderId) refused: \(rejection.reason)")
    }

    /// The index of `instrument` in ``instruments`` (events of one instrument come in runs).
    private func index(of instrument: InstrumentId) -> Int? {
        if lastIndex < instruments.count, instruments[lastIndex] == instrument { return lastIndex }
        guard let index = instruments.firstIndex(of: instrument) else { return nil }
        lastIndex = index
        return index
    }

    private func sample(_ instrument: InstrumentId, price: Price, at time: Timestamp) throws {
        guard let index = index(of: instrument),
              let close = trends[index].sampler.update(price: price.double, at: time) else { return }
        try barClosed(instrument, close: close)
    }

    private func barClosed(_ instrument: InstrumentId, close: Double) throws {
        guard let index = index(of: instrument) else { return }
        trends[index].fast.update(close)
        trends[index].slow.update(close)
        guard let fast = trends[index].fast.value, let slow = trends[index].slow.value else { return }
        let previous = trends[index].regime
        let regime = fast > slow ? 1 : (fast < slow ? -1 : previous)
        let crossed = previous != 0 && regime != previous
        trends[index].regime = regime
        guard crossed else { return }
        context.logger.info("\(instrument): fast \(fast) crossed \(regime > 0 ? "above" : "below") slow \(slow)")
        let target: FixedPoint = regime > 0 ? parameters.orderQuantity.value : (allowShort ? parameters.orderQuantity.value.negated : .zero)
        try moveTo(target, on: instrument)
    }

    /// Sends one market order taking the position to `target`, unless orders are still pending.
    private func moveTo(_ target: FixedPoint, on instrument: InstrumentId) throws {
        guard !context.hasOpenOrders(on: instrument) else {
            context.logger.notice("\(instrument): orders still pending, skipping this signal")
            return
        }
        let current = context.position(instrument).netQuantity
        let delta = target - current
        guard !delta.isZero else { return }
        let quantity = context.roundQuantity(Quantity(delta.magnitude), on: instrument)
        // A remainder below one order's minimum size (e.g. what a spot buy's base-currency fee
        // leaves) cannot be traded: it stays as dust instead of being refused by the venue.
        guard !quantity.isZero, quantity >= context.instrument(instrument)?.minSize ?? quantity else { return }
        // Reducing toward zero without crossing it is reduce-only; anything else opens risk.
        let reducing = !current.isZero && target.magnitude < current.magnitude && (target.isZero || target.isNegative == current.isNegative)
        try context.submit(instrument, delta.isNegative ? .sell : .buy, .market, quantity: quantity, reduceOnly: reducing)
    }
}
