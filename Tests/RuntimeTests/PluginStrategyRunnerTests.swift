import Foundation
import RuntimeHost
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Isolation: a throwing strategy is halted alone; a slow callback is reported.
@Suite(.watchdog) struct PluginStrategyRunnerTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom on the 3rd trade" }
    }

    final class ThrowsOnThirdTrade: Strategy {
        let context: StrategyContext
        var trades = 0
        init(context: StrategyContext, parameters: NoParameters) { self.context = context }
        func onTrade(_ trade: TradeTick) throws {
            trades += 1
            try context.buyMarket(trade.instrument, quantity: Quantity(FixedPoint(units: 1, decimals: 3)))
            if trades == 3 { throw Boom() }
        }
    }

    final class CountsTrades: Strategy {
        let context: StrategyContext
        var trades = 0
        init(context: StrategyContext, parameters: NoParameters) { self.context = context }
        func onTrade(_ trade: TradeTick) throws { trades += 1 }
    }

    final class Slow: Strategy {
        init(context: StrategyContext, parameters: NoParameters) {}
        func onTrade(_ trade: TradeTick) throws {
            // Busy for about 5 ms of wall time: over a 1 ms budget on any machine.
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .milliseconds(5))
            while clock.now < end {}
        }
    }

    private func context(_ name: StrategyName) -> StrategyContext {
        StrategyContext(name: name, instruments: [PluginTestSupport.btcUSDT])
    }

    @Test func throwingStrategyIsHaltedAloneAndItsHalfDoneOrdersAreDropped() throws {
        let failingStrategy = ThrowsOnThirdTrade(context: context("failing"), parameters: NoParameters())
        let failingRunner = StrategyRunner(strategy: failingStrategy, context: failingStrategy.context)
        let healthyStrategy = CountsTrades(context: context("healthy"), parameters: NoParameters())
        let healthy = StrategyRunner(strategy: healthyStrategy, context: healthyStrategy.context)
        failingRunner.start(at: .zero)
        healthy.start(at: .zero)

        var results: [CallbackResult] = []
        for trade in try PluginTestSupport.recordedTrades(limit: 10) {
            results.append(failingRunner.deliver(.trade(trade)))
            if failingRunner.isRunning { _ = failingStrategy.context.takeOutbox() }
            #expect(healthy.deliver(.trade(trade)) == .completed)
        }
        guard case .halted(let fault) = results[2] else {
            Issue.record("expected the third callback to halt, got \(results[2])")
            return
        }
        #expect(fault.strategy == "failing")
        #expect(fault.callback == .trade)
        #expect(fault.message == "boom on the 3rd trade")
        #expect(results[3...].allSatisfy { $0 == .skipped })
        #expect(failingRunner.state == .halted(fault))
        #expect(!failingStrategy.context.hasPendingCommands) // the order queued before the throw is not sent
        #expect(failingStrategy.trades == 3)
        #expect(healthyStrategy.trades == 10)
        #expect(healthy.isRunning)
    }

    @Test func callbackOverItsBudgetIsReported() throws {
        let strategy = Slow(context: context("slow"), parameters: NoParameters())
        let runner = StrategyRunner(strategy: strategy, context: context("slow"), callbackBudget: .milliseconds(1))
        var reported: [CallbackBudgetOverrun] = []
        runner.onBudgetExceeded = { reported.append($0) }
        runner.start(at: .zero)
        let trade = try #require(try PluginTestSupport.recordedTrades(limit: 1).first)
        let result = runner.deliver(.trade(trade))
        guard case .completedOverBudget(let overrun) = result else {
            Issue.record("expected an overrun, got \(result)")
            return
        }
        #expect(overrun.callback == .trade)
        #expect(overrun.elapsed >= .milliseconds(5))
        #expect(reported == [overrun])
        #expect(runner.budgetOverrunCount == 1)
        #expect(runner.isRunning) // reported, not halted
        #expect(overrun.description.contains("over its budget"))
    }

    @Test func stoppedStrategyReceivesNothingMore() throws {
        let strategy = CountsTrades(context: context("stopping"), parameters: NoParameters())
        let runner = StrategyRunner(strategy: strategy, context: strategy.context)
        #expect(runner.deliver(.trade(try #require(try PluginTestSupport.recordedTrades(limit: 1).first))) == .skipped) // not started
        runner.start(at: .zero)
        #expect(runner.stop(at: .zero) == .completed)
        #expect(runner.state == .stopped)
        #expect(runner.deliver(.trade(try #require(try PluginTestSupport.recordedTrades(limit: 1).first))) == .skipped)
        #expect(strategy.trades == 0)
    }

    /// Counts its bars and implements no other event callback.
    final class BarsOnly: Strategy {
        let context: StrategyContext
        var bars = 0
        init(context: StrategyContext, parameters: NoParameters) { self.context = context }
        func onBar(_ bar: Bar) throws { bars += 1 }
    }

    /// A callback the strategy does not implement is called once (its default says so) and then
    /// not at all, without halting the strategy; the callbacks it implements keep coming.
    @Test func aCallbackTheStrategyDoesNotImplementIsNotCalledAgain() throws {
        let strategy = BarsOnly(context: context("bars_only"), parameters: NoParameters())
        let runner = StrategyRunner(strategy: strategy, context: strategy.context,
                                    bars: BarAggregator(specification: BarSpecification(interval: try BarInterval(parsing: "1s"), source: .trades),
                                                        instruments: [PluginTestSupport.btcUSDT.id]))
        runner.start(at: .zero)
        let trades = try PluginTestSupport.recordedTrades(limit: 200)
        var results: [CallbackResult] = []
        for trade in trades {
            if runner.aggregate(trade: trade) { while let result = runner.deliverCompletedBar(at: trade.timestamp) { #expect(result == .completed) } }
            results.append(runner.deliver(trade: trade))
        }
        #expect(results.allSatisfy { $0 == .skipped }, "onTrade is not implemented: \(Set(results.map { "\($0)" }))")
        #expect(runner.isRunning)
        #expect(strategy.bars > 0, "the bars it implements still come")
        // An implemented callback that throws still halts the strategy: only the marker is special.
        let counting = CountsTrades(context: context("counting"), parameters: NoParameters())
        let countingRunner = StrategyRunner(strategy: counting, context: counting.context)
        countingRunner.start(at: .zero)
        #expect(trades.prefix(3).map { countingRunner.deliver(trade: $0) } == [.completed, .completed, .completed])
        #expect(counting.trades == 3)
    }
}
