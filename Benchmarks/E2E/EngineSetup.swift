import DataQuality
import Execution
import Foundation
import Logging
import Risk
import RuntimeHost
import StrategyKit
import TradingCore

/// The engine the replay drives: the shipped SMACrossover plugin with the parameters and limits of
/// strategies/sma_crossover.yaml, on BTC-USDT, in replay mode (event time is the clock).
enum EngineSetup {
    static let strategyName: StrategyName = "sma_crossover"
    static let instrument = Instrument(id: SyntheticInput.instrument, tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                       lotSize: Quantity(FixedPoint(units: 1, decimals: 8)),
                                       minSize: Quantity(FixedPoint(units: 1, decimals: 5)))

    /// Loaded once per process (libraries are never unloaded).
    nonisolated(unsafe) static let loader = PluginLoader()

    static func strategy(onCandles: Bool = false) throws -> EngineStrategy {
        let registration = try loader.registration(plugin: "SMACrossover", strategy: "SMACrossover")
        // On candles: backtesting.py's SmaCross example (10/20 on closes), for the side-by-side figure,
        // without the loss monitors (backtesting.py has none): the fees of ~15,000 fills on a random
        // walk drain the 10,000 allocation past the drawdown monitor's reduce level, and the two
        // would then not make the same trades.
        let parameters: ParameterValue = onCandles
            ? .object(["fast_period": .number("10"), "slow_period": .number("20"), "order_quantity": .number("0.01"),
                       "allow_short": .bool(false)])
            : .object(["fast_period": .number("6"), "slow_period": .number("24"), "order_quantity": .number("0.01"),
                       "allow_short": .bool(false)])
        // The host builds the bars: one-minute bars from the candle1m channel, or 5 s bars of trades.
        let bars = onCandles
            ? BarSpecification(interval: try BarInterval(parsing: "1m"), source: .candles)
            : BarSpecification(interval: try BarInterval(parsing: "5s"), source: .trades)
        let limits = RiskLimits(maxOrderQuantity: Quantity(FixedPoint(units: 5, decimals: 2)), maxOrderNotional: Money(FixedPoint(5_000)),
                                maxPositionSize: Money(FixedPoint(5_000)), maxLeverage: FixedPoint(1), priceBandPct: FixedPoint(5),
                                maxOrdersPerMinute: 30, maxOpenOrders: 4, maxDailyLoss: onCandles ? nil : Money(FixedPoint(500)),
                                maxDrawdownPct: onCandles ? nil : FixedPoint(10), maxConsecutiveLosses: onCandles ? nil : 8,
                                allocatedCapital: Money(FixedPoint(10_000)))
        return EngineStrategy(name: strategyName, registration: registration, instruments: [instrument],
                              channels: [onCandles ? .candle(.oneMinute) : .trades],
                              parameters: parameters, allocatedCapital: Money(FixedPoint(10_000)), riskLimits: limits, bars: bars)
    }

    static func engine(persistMarketData: Bool, runTag: String, onCandles: Bool = false, logger: Logger) throws -> TradingEngine {
        try TradingEngine(strategies: [strategy(onCandles: onCandles)], instruments: [instrument], quality: QualityConfiguration(),
                          accountLimits: AccountRiskLimits(), venue: PaperVenueConfiguration(),
                          options: TradingEngine.Options(mode: .replay, runTag: runTag, persistMarketData: persistMarketData),
                          logger: logger)
    }
}

/// Process figures from /proc and the clock.
enum ProcessFigures {
    /// `VmHWM` (peak resident set) or `VmRSS` from /proc/self/status, in kB.
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func wallSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// What a replay did and how long it took.
struct ReplayFigures {
    var summary: EngineSummary
    var wall: Double
    var cpu: Double
    var rowsWritten = 0
    var rowsDropped = 0
    var eventsPerSecond: Double { Double(summary.events) / wall }
    var eventsPerCPUSecond: Double { Double(summary.events) / cpu }
}
