import StrategyKit
import TradingCore

/// A test-only strategy that logs every bar the host delivers, one line each
/// (`bar INSTRUMENT OPEN_MS CLOSE_MS O H L C VOLUME TRADES`), and every trade it sees (`trade
/// INSTRUMENT TIME_MS`), so a test can check what a deployed plugin with `bars:` receives and in
/// which order. It counts bars per instrument with the SDK's per-instrument state.
public final class BarProbe: Strategy {
    let context: StrategyContext
    let counts: PerInstrument<Int>

    public init(context: StrategyContext, parameters: NoParameters) throws {
        self.context = context
        self.counts = try context.perInstrument { _ in 0 }
    }

    public func onBar(_ bar: Bar) throws {
        counts[bar.instrument] += 1
        context.logger.info("bar \(bar.instrument) \(bar.openTime.millisecondsSinceEpoch) \(bar.closeTime.millisecondsSinceEpoch) \(bar.open) \(bar.high) \(bar.low) \(bar.close) \(bar.volume) \(bar.tradeCount) #\(counts[bar.instrument])")
    }

    public func onTrade(_ trade: TradeTick) throws {
        context.logger.info("trade \(trade.instrument) \(trade.timestamp.millisecondsSinceEpoch)")
    }
}
