import Foundation
import TestSupport
import Testing
import TradingCore
@testable import Risk

@Suite("Risk engine: trimming, monitors, halts, aggregation, kill switch, restore", .watchdog)
struct RiskEngineBehaviourTests {
    let trader = OperatorIdentity(user: "tara")

    @Test(arguments: [InstrumentKind.spot, .swap], Side.allCases)
    func trimmingShrinksToTheCapOnTheLotGrid(_ kind: InstrumentKind, _ side: Side) {
        let instrument = Fixture.instrument(kind).id
        let limits = RiskLimits(maxOrderNotional: Money(Fixture.fp("1000.005")), maxPositionSize: Money(FixedPoint(800)),
                                actions: RiskActions(maxOrderNotional: .trim, maxPositionSize: .trim))
        let engine = Fixture.engine(limits)
        // Notional cap 1000.005 at price 100: spot fits 10.00005, swap 1000 contracts (lot 0.01).
        let big = Fixture.quantity(worth: FixedPoint(5000), kind)
        let first = engine.send(Fixture.order(side, big.description, on: instrument), market: Fixture.market())
        let expectedFirst = kind == .spot ? Fixture.fp("8") : Fixture.fp("800")
        guard case .trimmed(let quantity, let reason) = first else {
            Issue.record("expected a trim, got \(first)")
            return
        }
        // The position cap (800 quote) binds after the notional cap trimmed the order.
        #expect(quantity.value == expectedFirst)
        #expect(reason.check == .orderNotional)
        // Nothing more fits in that direction: trimming to zero is a rejection with the binding cap.
        let second = engine.send(Fixture.order(side, "1", on: instrument), market: Fixture.market())
        #expect(second.rejectedCheck == .positionSize)
        let outputs = engine.drainOutputs(at: Fixture.start)
        #expect(outputs.compactMap(\.riskEvent).map(\.eventType) == [.orderTrimmed, .orderRejected])
        #expect(outputs.first?.riskEvent?.actionTaken == "trimmed")
    }

    @Test func trimBelowTheMinimumSizeRejects() {
        let limits = RiskLimits(maxOrderQuantity: Quantity(Fixture.fp("0.000005")),
                                actions: RiskActions(maxOrderQuantity: .trim))
        let decision = Fixture.engine(limits).check(Fixture.order(.buy, "1"), market: Fixture.market())
        #expect(decision.rejectedCheck == .orderQuantity)
    }

    /// A replayed losing day: equity falls, the strategy goes reduce-only at 80% of its daily
    /// loss limit, then halts at the limit; each step is one state change with its audit row.
    @Test func scriptedLossesDriveActiveToReducingToHalted() throws {
        let limits = RiskLimits(maxDailyLoss: Money(FixedPoint(1000)), allocatedCapital: Money(FixedPoint(10000)))
        let engine = Fixture.engine(limits)
        engine.hold(FixedPoint(10), in: Fixture.spotId, at: Price(FixedPoint(100)))
        let t = { (minutes: Int64) in Fixture.start.advanced(byMilliseconds: minutes * 60_000) }

        #expect(engine.recordEquity(Money(FixedPoint(10000)), for: "alpha", at: t(1)) == nil)
        #expect(engine.recordEquity(Money(Fixture.fp("9200.01")), for: "alpha", at: t(2)) == nil) // loss 799.99 < 800
        let reducing = try #require(engine.recordEquity(Money(FixedPoint(9200)), for: "alpha", at: t(3)))
        #expect(reducing.from == .active && reducing.to == .reducing && reducing.newStatus == "reducing")
        #expect(engine.state(of: "alpha") == .reducing)

        // Reduce-only: adding is refused, shrinking passes.
        #expect(engine.send(Fixture.order(.buy, "1", time: t(3)), market: Fixture.market(at: t(3))).rejectedCheck == .strategyState)
        #expect(engine.send(Fixture.order(.sell, "4", time: t(3)), market: Fixture.market(at: t(3))) == .accepted)

        #expect(engine.recordEquity(Money(Fixture.fp("9000.01")), for: "alpha", at: t(4)) == nil)
        let halted = try #require(engine.recordEquity(Money(FixedPoint(9000)), for: "alpha", at: t(5)))
        #expect(halted.from == .reducing && halted.to == .halted)
        // Further losses do not repeat the transition.
        #expect(engine.recordEquity(Money(FixedPoint(8000)), for: "alpha", at: t(6)) == nil)
        #expect(engine.send(Fixture.order(.sell, "1", time: t(6)), market: Fixture.market(at: t(6))).rejectedCheck == .strategyState)

        let outputs = engine.drainOutputs(at: t(6))
        let transitions = outputs.compactMap { output -> StrategyTransition? in
            if case .transition(let transition) = output { return transition }
            return nil
        }
        #expect(transitions.map(\.to) == [.reducing, .halted])
        let events = transitions.map(\.event)
        #expect(events.map(\.eventType) == [.limitBreach, .limitBreach])
        #expect(events.map(\.severity) == [.warning, .critical])
        #expect(events.map(\.metricName) == ["daily_loss", "daily_loss"])
        #expect(events.map(\.metricValue) == [FixedPoint(800), FixedPoint(1000)])
        #expect(events.map(\.thresholdValue) == [FixedPoint(800), FixedPoint(1000)])
        #expect(events.map(\.actionTaken) == ["reducing", "halted"])
        let audits = transitions.map(\.audit)
        #expect(audits.allSatisfy { $0.actor == "risk-engine" && $0.user == nil && $0.resourceType == "strategy" && $0.success })
        #expect(audits.map(\.action) == ["strategy.reducing", "strategy.halt"])
        #expect(audits.map(\.oldValue) == [.object(["status": .string("active")]), .object(["status": .string("reducing")])])
        #expect(audits[1].newValue.jsonText.contains("\"status\":\"halted\""))
        #expect(audits[1].newValue.jsonText.contains("\"metric_value\":\"1000\""))
        // The one rejected buy during reducing and the one during halted were reported.
        #expect(outputs.compactMap(\.riskEvent).filter { $0.eventType == .orderRejected }.count == 2)
    }

    @Test func drawdownAndConsecutiveLossesHalt() throws {
        let limits = RiskLimits(maxDrawdownPct: FixedPoint(10), maxConsecutiveLosses: 5)
        let engine = Fixture.engine(limits)
        engine.register(strategy: "beta", instruments: [Fixture.spot], limits: limits)
        engine.recordEquity(Money(FixedPoint(1000)), for: "alpha", at: Fixture.start)
        engine.recordEquity(Money(FixedPoint(1200)), for: "alpha", at: Fixture.start.advanced(byMilliseconds: 1))
        let at = { (ms: Int64) in Fixture.start.advanced(byMilliseconds: ms) }
        #expect(engine.recordEquity(Money(FixedPoint(1105)), for: "alpha", at: at(2)) == nil) // 7.91% < 8%
        #expect(engine.recordEquity(Money(FixedPoint(1104)), for: "alpha", at: at(3))?.to == .reducing) // 8%
        #expect(engine.recordEquity(Money(FixedPoint(1081)), for: "alpha", at: at(4)) == nil) // 9.9%, already reducing
        let halt = try #require(engine.recordEquity(Money(FixedPoint(1080)), for: "alpha", at: at(5)))
        #expect(halt.to == .halted && halt.event.metricName == "drawdown_pct" && halt.event.metricValue == FixedPoint(10))

        for index in 0..<3 { #expect(engine.recordClosedTrade(realizedPnL: Money(FixedPoint(-1)), for: "beta", at: Fixture.start) == nil, "\(index)") }
        #expect(engine.recordClosedTrade(realizedPnL: .zero, for: "beta", at: Fixture.start) == nil)
        #expect(engine.recordClosedTrade(realizedPnL: Money(FixedPoint(-1)), for: "beta", at: Fixture.start)?.to == .reducing)
        #expect(engine.recordClosedTrade(realizedPnL: Money(FixedPoint(-1)), for: "beta", at: Fixture.start)?.to == .halted)
        #expect(engine.snapshot(of: "beta")?.monitors.consecutiveLosses == 5)
    }

    @Test func dailyLossRollsAtMidnightUTC() {
        let engine = Fixture.engine(RiskLimits(maxDailyLoss: Money(FixedPoint(100))))
        let lateEvening = Fixture.start.advanced(byMilliseconds: 86_400_000 - 1)
        engine.recordEquity(Money(FixedPoint(1000)), for: "alpha", at: Fixture.start)
        engine.recordEquity(Money(FixedPoint(950)), for: "alpha", at: lateEvening)
        // A new day opens at the last equity of the previous one (950): a loss of 50 is all today's.
        engine.recordEquity(Money(FixedPoint(900)), for: "alpha", at: lateEvening.advanced(byMilliseconds: 1))
        #expect(engine.snapshot(of: "alpha")?.monitors.dailyLoss == Money(FixedPoint(50)))
        #expect(engine.state(of: "alpha") == .active)
    }

    @Test func aHaltedStrategyNeverGetsAnOrderThroughAndCannotFloodEvents() {
        let engine = Fixture.engine(state: .halted)
        var passed = 0
        for index in 0..<10_000 {
            let time = Fixture.start.advanced(byMilliseconds: Int64(index) * 10) // 100 s of a looping strategy
            let side: Side = index % 2 == 0 ? .buy : .sell
            let instrument = index % 3 == 0 ? Fixture.swapId : Fixture.spotId
            let decision = engine.send(Fixture.order(side, "1", on: instrument, time: time), market: Fixture.market(at: time))
            if decision.allowsOrder { passed += 1 }
        }
        #expect(passed == 0)
        let events = engine.drainOutputs(at: Fixture.start.advanced(byMilliseconds: 200_000)).compactMap(\.riskEvent)
        // 2 instruments, 2 windows of 60 s: per instrument a first event and a summary per window.
        #expect(events.count <= 8, "\(events.count) events")
        let counted = events.reduce(0) { total, event in
            total + (event.eventType == .rejectionSummary ? Int(event.metricValue?.raw ?? 0) / Int(FixedPoint.scale) : 1)
        }
        #expect(counted == 10_000)
    }

    @Test func repeatedRejectionsAreAggregatedPerWindow() throws {
        let engine = Fixture.engine(RiskLimits(maxOrderQuantity: Quantity(FixedPoint(1))),
                                    account: AccountRiskLimits(rejectionSummaryWindowMilliseconds: 60_000))
        for second in 0..<30 {
            let time = Fixture.start.advanced(byMilliseconds: Int64(second) * 1_000)
            #expect(engine.send(Fixture.order(.buy, "2", time: time), market: Fixture.market(at: time)).rejectedCheck == .orderQuantity)
        }
        // A different check on the same instrument is reported on its own.
        #expect(engine.send(Fixture.order(.buy, "1", at: "200"), market: Fixture.market()).rejectedCheck == .priceBand)
        let early = engine.drainOutputs(at: Fixture.start.advanced(byMilliseconds: 30_000)).compactMap(\.riskEvent)
        #expect(early.map(\.eventType) == [.orderRejected, .orderRejected])
        #expect(early.map(\.metricName) == ["max_order_quantity", "price_band_pct"])
        #expect(early[0].metricValue == FixedPoint(2) && early[0].thresholdValue == FixedPoint(1))
        #expect(early[0].description.contains("exceeds max_order_quantity 1"))

        let later = engine.drainOutputs(at: Fixture.start.advanced(byMilliseconds: 60_000)).compactMap(\.riskEvent)
        let summary = try #require(later.first { $0.metricName == "max_order_quantity_count" })
        #expect(summary.eventType == .rejectionSummary)
        #expect(summary.metricValue == FixedPoint(29))
        #expect(summary.strategy == "alpha" && summary.symbol == "BTC-USDT")
        // The window is closed: the next rejection is reported in full again.
        let next = Fixture.start.advanced(byMilliseconds: 61_000)
        _ = engine.send(Fixture.order(.buy, "2", time: next), market: Fixture.market(at: next))
        #expect(engine.drainOutputs(at: next).compactMap(\.riskEvent).map(\.eventType) == [.orderRejected])
    }

    @Test func killSwitchStopsEverythingUntilAnOperatorReleasesIt() throws {
        let engine = Fixture.engine()
        engine.hold(FixedPoint(5), in: Fixture.spotId)
        engine.engageKillSwitch(reason: "operator: market turmoil", by: trader, at: Fixture.start)
        #expect(engine.isKillSwitchEngaged)
        #expect(engine.send(Fixture.order(.buy, "1"), market: Fixture.market()).rejectedCheck == .killSwitch)
        #expect(engine.send(Fixture.order(.sell, "1"), market: Fixture.market()).rejectedCheck == .killSwitch)

        #expect(engine.isKillSwitchEngaged)
        engine.releaseKillSwitch(by: trader, at: Fixture.start)
        #expect(engine.send(Fixture.order(.buy, "1"), market: Fixture.market()) == .accepted)

        let audits = engine.drainOutputs(at: Fixture.start).compactMap(\.auditRecord)
        #expect(audits.map(\.action) == ["kill_switch.engage", "kill_switch.release"])
        #expect(audits.map(\.success) == [true, true])
    }

    @Test func accountDailyLossEngagesTheKillSwitch() {
        let engine = Fixture.engine(account: AccountRiskLimits(maxDailyLoss: Money(FixedPoint(100))))
        engine.register(strategy: "beta", instruments: [Fixture.spot], limits: RiskLimits())
        engine.recordEquity(Money(FixedPoint(1000)), for: "alpha", at: Fixture.start)
        engine.recordEquity(Money(FixedPoint(1000)), for: "beta", at: Fixture.start)
        engine.recordEquity(Money(FixedPoint(940)), for: "alpha", at: Fixture.start)
        #expect(!engine.isKillSwitchEngaged)
        engine.recordEquity(Money(FixedPoint(960)), for: "beta", at: Fixture.start)
        #expect(engine.isKillSwitchEngaged)
        let audit = engine.drainOutputs(at: Fixture.start).compactMap(\.auditRecord).first
        #expect(audit?.actor == "risk-engine" && audit?.action == "kill_switch.engage")
    }

    @Test func operatorsPauseAndResumeAndIllegalEdgesAreRefusedAndAudited() throws {
        let engine = Fixture.engine(state: .halted)
        #expect(throws: StrategyTransitionError.notAllowed(from: .halted, to: .paused, by: .operator)) {
            try engine.apply(.pause, to: "alpha", by: trader, at: Fixture.start).get()
        }
        let resumed = try engine.apply(.resume, to: "alpha", by: trader, at: Fixture.start).get()
        #expect(resumed.from == .halted && resumed.to == .active && resumed.audit.actor == "tara")
        #expect(engine.send(Fixture.order(.buy, "1"), market: Fixture.market()) == .accepted)
        _ = try engine.apply(.pause, to: "alpha", by: trader, at: Fixture.start).get()
        #expect(engine.send(Fixture.order(.sell, "1"), market: Fixture.market()).rejectedCheck == .strategyState)

        let audits = engine.drainOutputs(at: Fixture.start).compactMap(\.auditRecord)
        #expect(audits.map(\.action) == ["strategy.pause", "strategy.resume", "strategy.pause"])
        #expect(audits.map(\.success) == [false, true, true])
        #expect(audits.map(\.user) == ["tara", "tara", "tara"])
    }

    @Test func aStrategyThatThrowsIsHaltedAlone() throws {
        let engine = Fixture.engine()
        engine.register(strategy: "beta", instruments: [Fixture.spot], limits: RiskLimits())
        let transition = try #require(engine.strategyDidThrow("alpha", error: "index out of range in onTrade", at: Fixture.start))
        #expect(transition.to == .halted && transition.event.eventType == .strategyError)
        #expect(engine.state(of: "beta") == .active)
        #expect(engine.send(Fixture.order(.buy, "1", strategy: "beta"), market: Fixture.market()) == .accepted)
        #expect(engine.send(Fixture.order(.buy, "1"), market: Fixture.market()).rejectedCheck == .strategyState)
    }

    @Test func criticalDataQualityAlertsMoveTradersOfTheInstrumentToReduceOnly() {
        let engine = Fixture.engine()
        engine.register(strategy: "beta", instruments: [Fixture.swap], limits: RiskLimits())
        engine.register(strategy: "gamma", instruments: [Instrument(id: Fixture.otherId, tickSize: Price(Fixture.fp("0.01")),
                                                                    lotSize: Quantity(Fixture.fp("0.0001")),
                                                                    minSize: Quantity(Fixture.fp("0.0001")))],
                        limits: RiskLimits())
        let transitions = engine.dataQualityAlert(instrument: Fixture.swapId, severity: .critical,
                                                  description: "checksum mismatch storm", at: Fixture.start)
        #expect(Set(transitions.map(\.strategy)) == ["alpha", "beta"])
        #expect(engine.state(of: "gamma") == .active)
        #expect(engine.state(of: "alpha") == .reducing)
    }

    @Test func aHaltedStrategyStaysHaltedAcrossRestart() throws {
        let before = Fixture.engine(RiskLimits(maxConsecutiveLosses: 1))
        before.recordEquity(Money(FixedPoint(1500)), for: "alpha", at: Fixture.start)
        before.recordClosedTrade(realizedPnL: Money(FixedPoint(-3)), for: "alpha", at: Fixture.start)
        let persisted = try #require(before.snapshot(of: "alpha"))
        #expect(persisted.state == .halted)
        let json = try JSONEncoder().encode(persisted)
        #expect(String(decoding: json, as: UTF8.self).contains("\"peak_equity\":\"1500\""))
        let restored = try JSONDecoder().decode(StrategyRiskSnapshot.self, from: json)
        #expect(restored == persisted)

        let after = RiskEngine(ledger: Fixture.ledger())
        after.register(strategy: "alpha", instruments: [Fixture.spot], limits: RiskLimits(), restoring: restored)
        #expect(after.state(of: "alpha") == .halted)
        #expect(after.send(Fixture.order(.buy, "1"), market: Fixture.market()).rejectedCheck == .strategyState)
        #expect(after.snapshot(of: "alpha")?.monitors.peakEquity == Money(FixedPoint(1500)))
    }

    @Test func theOutboxIsBoundedButNeverDropsTransitions() {
        let engine = Fixture.engine(RiskLimits(maxOrderQuantity: Quantity(FixedPoint(1))),
                                    account: AccountRiskLimits(outboxCapacity: 100))
        for index in 0..<300 {
            // Distinct windows (61 s apart) so each rejection is reported.
            let time = Fixture.start.advanced(byMilliseconds: Int64(index) * 61_000)
            _ = engine.send(Fixture.order(.buy, "2", time: time), market: Fixture.market(at: time))
        }
        engine.strategyDidThrow("alpha", error: "boom", at: Fixture.start)
        let outputs = engine.drainOutputs(at: Fixture.start)
        #expect(outputs.contains { if case .transition = $0 { true } else { false } })
        #expect(outputs.last?.riskEvent?.eventType == .eventsDropped)
        #expect(engine.droppedEventCount > 0)
    }
}

@Suite("Risk engine: operator conveniences", .watchdog)
struct RiskEngineOperatorTests {
    @Test func haltAllHaltsEveryTradingStrategy() {
        let engine = Fixture.engine()
        engine.register(strategy: "beta", instruments: [Fixture.spot], limits: RiskLimits(), restoring: StrategyRiskSnapshot(state: .paused))
        engine.register(strategy: "gamma", instruments: [Fixture.spot], limits: RiskLimits(), restoring: StrategyRiskSnapshot(state: .stopped))
        let results = engine.haltAll(by: OperatorIdentity(user: "ada"), at: Fixture.start)
        #expect(results.count == 2)
        #expect(engine.state(of: "alpha") == .halted && engine.state(of: "beta") == .halted && engine.state(of: "gamma") == .stopped)
    }

    @Test func adoptingAPersistedStateRecordsNothing() {
        let engine = Fixture.engine()
        engine.adoptPersistedState(.paused, for: "alpha")
        #expect(engine.state(of: "alpha") == .paused)
        #expect(engine.drainOutputs(at: Fixture.start).isEmpty)
    }

    @Test func breachesExplainThemselves() {
        let request = Fixture.order(.buy, "3")
        let breach = RiskBreach(check: .orderQuantity, metricValue: FixedPoint(3), thresholdValue: FixedPoint(2))
        #expect(breach.explanation(for: request) == "quantity 3 exceeds max_order_quantity 2")
        #expect(breach.metricName == "max_order_quantity")
    }
}

@Suite("Risk engine: reduce-only orders", .watchdog)
struct ReduceOnlyTests {
    @Test(arguments: [InstrumentKind.spot, .swap], Side.allCases)
    func reduceOnlyOrdersMayNotOpenOrFlip(_ kind: InstrumentKind, _ side: Side) {
        let instrument = Fixture.instrument(kind).id
        let engine = Fixture.engine()
        engine.hold(side == .sell ? FixedPoint(5) : FixedPoint(-5), in: instrument, at: Price(FixedPoint(100)))
        var order = Fixture.order(side, "3", on: instrument)
        order.reduceOnly = true
        #expect(engine.send(order, market: Fixture.market()) == .accepted)
        // 3 are already on their way: only 2 more can reduce.
        order.quantity = Quantity(FixedPoint(3))
        let decision = engine.send(order, market: Fixture.market())
        #expect(decision == .rejected(RiskBreach(check: .reduceOnly, metricValue: FixedPoint(3), thresholdValue: FixedPoint(2))))
        order.quantity = Quantity(FixedPoint(2))
        #expect(engine.send(order, market: Fixture.market()) == .accepted)
        var opening = Fixture.order(side.opposite, "1", on: instrument)
        opening.reduceOnly = true
        #expect(engine.send(opening, market: Fixture.market()).rejectedCheck == .reduceOnly)
    }
}
