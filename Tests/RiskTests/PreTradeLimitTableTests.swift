import TestSupport
import Testing
import TradingCore
@testable import Risk

/// One limit hit just inside and just outside, for one side and instrument kind.
struct LimitCase: Sendable, CustomTestStringConvertible {
    var limit: String
    var kind: InstrumentKind
    var side: Side
    var limits: RiskLimits
    var account: AccountRiskLimits = AccountRiskLimits()
    /// Orders (quantity, limit price or nil for market) accepted before the probe.
    var before: [(String, String?)] = []
    /// For count limits: how many more accepted orders precede the outside probe.
    var extraBeforeOutside = 0
    /// The probe just inside the limit (must pass) and just outside (must be refused).
    var inside: (quantity: FixedPoint, price: String?)
    var outside: (quantity: FixedPoint, price: String?)
    var market: MarketSnapshot = Fixture.market()
    var expected: RiskCheck

    var testDescription: String { "\(limit) \(kind.rawValue) \(side.rawValue)" }

    static var all: [LimitCase] {
        var cases: [LimitCase] = []
        for kind in [InstrumentKind.spot, .swap] {
            let step = Fixture.step(kind)
            for side in Side.allCases {
                // max_order_quantity 2 (order units).
                cases.append(LimitCase(limit: "max_order_quantity", kind: kind, side: side,
                                       limits: RiskLimits(maxOrderQuantity: Quantity(FixedPoint(2))),
                                       inside: (FixedPoint(2), "100"), outside: (FixedPoint(2) + step, "100"),
                                       expected: .orderQuantity))
                // max_order_notional 1000 quote at price 100 (swap: contract value aware).
                let notionalQuantity = Fixture.quantity(worth: FixedPoint(1000), kind)
                cases.append(LimitCase(limit: "max_order_notional", kind: kind, side: side,
                                       limits: RiskLimits(maxOrderNotional: Money(FixedPoint(1000))),
                                       inside: (notionalQuantity, "100"), outside: (notionalQuantity + step, "100"),
                                       expected: .orderNotional))
                // max_position_size 500 quote after the fill, with an open order of 200 in the same direction.
                let positionQuantity = Fixture.quantity(worth: FixedPoint(300), kind)
                let openQuantity = Fixture.quantity(worth: FixedPoint(200), kind)
                cases.append(LimitCase(limit: "max_position_size", kind: kind, side: side,
                                       limits: RiskLimits(maxPositionSize: Money(FixedPoint(500))),
                                       before: [(openQuantity.description, "100")],
                                       inside: (positionQuantity, "100"), outside: (positionQuantity + step, "100"),
                                       expected: .positionSize))
                // max_leverage 2 on 1000 capital: 2000 gross.
                let leverageQuantity = Fixture.quantity(worth: FixedPoint(2000), kind)
                cases.append(LimitCase(limit: "max_leverage", kind: kind, side: side,
                                       limits: RiskLimits(maxLeverage: FixedPoint(2), allocatedCapital: Money(FixedPoint(1000))),
                                       inside: (leverageQuantity, "100"), outside: (leverageQuantity + step, "100"),
                                       expected: .leverage))
                // Account max_gross_notional 3000.
                let accountQuantity = Fixture.quantity(worth: FixedPoint(3000), kind)
                cases.append(LimitCase(limit: "max_gross_notional", kind: kind, side: side, limits: RiskLimits(),
                                       account: AccountRiskLimits(maxGrossNotional: Money(FixedPoint(3000))),
                                       inside: (accountQuantity, "100"), outside: (accountQuantity + step, "100"),
                                       expected: .accountGrossNotional))
                // price_band_pct 5 around mark 100: a limit price 5 away passes, one tick further does not.
                let (bandInside, bandOutside) = side == .buy ? ("105", "105.1") : ("95", "94.9")
                cases.append(LimitCase(limit: "price_band_pct limit", kind: kind, side: side,
                                       limits: RiskLimits(priceBandPct: FixedPoint(5)),
                                       inside: (FixedPoint(1), bandInside), outside: (FixedPoint(1), bandOutside),
                                       expected: .priceBand))
                // max_orders_per_minute 3: the third order passes, the fourth does not.
                cases.append(LimitCase(limit: "max_orders_per_minute", kind: kind, side: side,
                                       limits: RiskLimits(maxOrdersPerMinute: 3, maxOpenOrders: 100),
                                       before: [("1", "100"), ("1", "100")],
                                       extraBeforeOutside: 1,
                                       inside: (FixedPoint(1), "100"), outside: (FixedPoint(1), "100"),
                                       expected: .orderRate))
                // max_open_orders 2: the second passes, the third does not.
                cases.append(LimitCase(limit: "max_open_orders", kind: kind, side: side,
                                       limits: RiskLimits(maxOpenOrders: 2), before: [("1", "100")], extraBeforeOutside: 1,
                                       inside: (FixedPoint(1), "100"), outside: (FixedPoint(1), "100"),
                                       expected: .openOrders))
            }
        }
        return cases
    }
}

/// Market orders are measured against the book: the best opposite price must lie in the band.
struct MarketBandCase: Sendable, CustomTestStringConvertible {
    var kind: InstrumentKind
    var side: Side
    var testDescription: String { "price_band_pct market \(kind.rawValue) \(side.rawValue)" }
    static var all: [MarketBandCase] {
        [InstrumentKind.spot, .swap].flatMap { kind in Side.allCases.map { MarketBandCase(kind: kind, side: $0) } }
    }
}

@Suite("Pre-trade limits, just inside and just outside", .watchdog)
struct PreTradeLimitTableTests {
    @Test(arguments: LimitCase.all)
    func limitIsEnforcedAtItsEdge(_ limitCase: LimitCase) {
        let instrument = Fixture.instrument(limitCase.kind).id
        func probe(_ quantity: FixedPoint, _ price: String?, extra: Int = 0) -> RiskDecision {
            let engine = Fixture.engine(limitCase.limits, account: limitCase.account)
            for (quantity, price) in limitCase.before + Array(repeating: ("1", "100"), count: extra) {
                let decision = engine.send(Fixture.order(limitCase.side, quantity, at: price, on: instrument),
                                            market: limitCase.market)
                #expect(decision == .accepted, "setup order \(quantity) was \(decision)")
            }
            return engine.send(Fixture.order(limitCase.side, quantity.description, at: price, on: instrument),
                                market: limitCase.market)
        }
        let inside = probe(limitCase.inside.quantity, limitCase.inside.price)
        #expect(inside == .accepted, "just inside: \(inside)")
        let outside = probe(limitCase.outside.quantity, limitCase.outside.price, extra: limitCase.extraBeforeOutside)
        #expect(outside.rejectedCheck == limitCase.expected, "just outside: \(outside)")
    }

    @Test(arguments: MarketBandCase.all)
    func marketOrderIsMeasuredAgainstTheBook(_ bandCase: MarketBandCase) {
        let instrument = Fixture.instrument(bandCase.kind).id
        let engine = Fixture.engine(RiskLimits(priceBandPct: FixedPoint(5)))
        let (inside, outside) = bandCase.side == .buy
            ? (Fixture.market(bid: "99.9", ask: "105"), Fixture.market(bid: "99.9", ask: "105.1"))
            : (Fixture.market(bid: "95", ask: "100.1"), Fixture.market(bid: "94.9", ask: "100.1"))
        #expect(engine.send(Fixture.order(bandCase.side, "1", at: nil, on: instrument), market: inside) == .accepted)
        #expect(engine.send(Fixture.order(bandCase.side, "1", at: nil, on: instrument), market: outside).rejectedCheck == .priceBand)
        let empty = MarketSnapshot(bestBid: nil, bestAsk: nil, mark: Price(FixedPoint(100)), bookIsValid: true,
                                   lastDataTime: Fixture.start)
        #expect(engine.send(Fixture.order(bandCase.side, "1", at: nil, on: instrument), market: empty).rejectedCheck
                == .noReferencePrice)
    }

    @Test(arguments: [InstrumentKind.spot, .swap], Side.allCases)
    func staleDataBlocksNewExposureAtTheThreshold(_ kind: InstrumentKind, _ side: Side) {
        let instrument = Fixture.instrument(kind).id
        let engine = Fixture.engine(account: AccountRiskLimits(staleDataAfterMilliseconds: 5_000))
        let dataTime = Fixture.start.advanced(byMilliseconds: -5_000)
        let justInside = Fixture.market(at: dataTime)
        let justOutside = Fixture.market(at: dataTime.advanced(byNanoseconds: -1))
        #expect(engine.send(Fixture.order(side, "1", on: instrument), market: justInside) == .accepted)
        #expect(engine.send(Fixture.order(side, "1", on: instrument), market: justOutside).rejectedCheck == .staleData)
    }

    @Test(arguments: [InstrumentKind.spot, .swap], Side.allCases)
    func brokenBookAndQualityAlertsBlockNewExposureButNotReduction(_ kind: InstrumentKind, _ side: Side) {
        let instrument = Fixture.instrument(kind).id
        let engine = Fixture.engine()
        engine.hold(side == .buy ? FixedPoint(-3) : FixedPoint(3), in: instrument, at: Price(FixedPoint(100)))
        let broken = Fixture.market(valid: false)
        let stale = Fixture.market(at: Fixture.start.advanced(byMilliseconds: -60_000))
        // Adding exposure (same direction as... the opposite of the position) is refused.
        #expect(engine.send(Fixture.order(side.opposite, "1", on: instrument), market: broken).rejectedCheck == .bookOutOfSync)
        // Shrinking the position passes on a broken book and on stale data, up to the position's size.
        #expect(engine.send(Fixture.order(side, "1", on: instrument), market: broken) == .accepted)
        #expect(engine.send(Fixture.order(side, "2", on: instrument), market: stale) == .accepted)
        // A third reduction of 1 would flip the position once the two pending ones fill: refused.
        #expect(engine.send(Fixture.order(side, "1", on: instrument), market: stale).rejectedCheck == .staleData)

        let alerted = Fixture.engine()
        alerted.dataQualityAlert(instrument: instrument, severity: .warning, description: "price jump", at: Fixture.start)
        #expect(alerted.send(Fixture.order(side, "1", on: instrument), market: Fixture.market()).rejectedCheck == .dataQuality)
        alerted.dataQualityRecovered(instrument: instrument, at: Fixture.start)
        #expect(alerted.send(Fixture.order(side, "1", on: instrument), market: Fixture.market()) == .accepted)
        #expect(alerted.state(of: "alpha") == .active)
    }

    @Test(arguments: Side.allCases)
    func onlyManifestInstrumentsMayBeTraded(_ side: Side) {
        let engine = Fixture.engine()
        #expect(engine.send(Fixture.order(side, "1", on: Fixture.otherId), market: Fixture.market()).rejectedCheck
                == .instrumentNotAllowed)
        #expect(engine.send(Fixture.order(side, "1", strategy: "nobody"), market: Fixture.market()).rejectedCheck
                == .unknownStrategy)
    }

    @Test func invalidOrdersAreRefused() {
        let engine = Fixture.engine()
        #expect(engine.send(Fixture.order(.buy, "0"), market: Fixture.market()).rejectedCheck == .invalidOrder)
        #expect(engine.send(Fixture.order(.buy, "1", at: nil, type: .limit), market: Fixture.market()).rejectedCheck
                == .invalidOrder)
    }

    @Test func orderRateWindowSlides() {
        let engine = Fixture.engine(RiskLimits(maxOrdersPerMinute: 2, maxOpenOrders: 100))
        let t0 = Fixture.start
        #expect(engine.send(Fixture.order(.buy, "1", time: t0), market: Fixture.market(at: t0)) == .accepted)
        let t1 = t0.advanced(byMilliseconds: 30_000)
        #expect(engine.send(Fixture.order(.buy, "1", time: t1), market: Fixture.market(at: t1)) == .accepted)
        let t2 = t0.advanced(byMilliseconds: 59_999)
        #expect(engine.send(Fixture.order(.buy, "1", time: t2), market: Fixture.market(at: t2)).rejectedCheck == .orderRate)
        // 60 s after the first order it has left the window.
        let t3 = t0.advanced(byMilliseconds: 60_000)
        #expect(engine.send(Fixture.order(.buy, "1", time: t3), market: Fixture.market(at: t3)) == .accepted)
        #expect(engine.send(Fixture.order(.buy, "1", time: t3), market: Fixture.market(at: t3)).rejectedCheck == .orderRate)
    }

    /// Spot without max_leverage is cash: 10,000 of capital buys 100 units at 100, not one more.
    @Test func spotOnlyWithoutALeverageLimitIsCash() {
        let ledger = Fixture.ledger()
        let engine = RiskEngine(ledger: ledger)
        engine.register(strategy: "alpha", instruments: [Fixture.spot], limits: RiskLimits(allocatedCapital: Money(FixedPoint(10_000))))
        #expect(engine.send(Fixture.order(.buy, "99.999"), market: Fixture.market()) == .accepted)
        #expect(engine.send(Fixture.order(.buy, "0.001"), market: Fixture.market()) == .accepted)
        #expect(engine.send(Fixture.order(.buy, "0.00001"), market: Fixture.market()).rejectedCheck == .leverage)
        // A strategy with a swap as well sets its leverage itself (none here: no cap).
        let mixed = Fixture.engine(RiskLimits(allocatedCapital: Money(FixedPoint(10_000))))
        #expect(mixed.send(Fixture.order(.buy, "150"), market: Fixture.market()) == .accepted)
    }

    @Test func finishedOrdersFreeTheirSlotAndExposure() {
        let engine = Fixture.engine(RiskLimits(maxPositionSize: Money(FixedPoint(500)), maxOpenOrders: 1))
        let first = Fixture.order(.buy, "5")
        #expect(engine.send(first, market: Fixture.market()) == .accepted)
        #expect(engine.send(Fixture.order(.buy, "1"), market: Fixture.market()).rejectedCheck == .openOrders)
        engine.ledger.recordEnded(first.clientOrderId, of: "alpha")
        #expect(engine.ledger.openOrders(of: "alpha").isEmpty)
        let second = Fixture.order(.buy, "5")
        #expect(engine.send(second, market: Fixture.market()) == .accepted)
        // Filled: the position now holds the exposure.
        _ = try? engine.ledger.apply(Fill(clientOrderId: second.clientOrderId, venueOrderId: VenueOrderId("PAPER-1"), strategy: "alpha",
                                          instrument: Fixture.spotId, side: .buy, positionSide: .net, price: Price(FixedPoint(100)),
                                          quantity: Quantity(FixedPoint(5)), fee: .zero, feeCurrency: "USDT", liquidity: .taker,
                                          timestamp: Fixture.start))
        engine.ledger.recordEnded(second.clientOrderId, of: "alpha")
        #expect(engine.exposure(of: "alpha", instrument: Fixture.spotId)?.net.position == FixedPoint(5))
        #expect(engine.send(Fixture.order(.buy, "0.00000001"), market: Fixture.market()).rejectedCheck == .positionSize)
        #expect(engine.send(Fixture.order(.sell, "10"), market: Fixture.market()) == .accepted)
    }

    @Test(arguments: [InstrumentKind.spot, .swap])
    func hedgeModeLegsAreLimitedSeparately(_ kind: InstrumentKind) {
        let instrument = Fixture.instrument(kind).id
        let engine = Fixture.engine(RiskLimits(maxPositionSize: Money(FixedPoint(500))))
        let full = Fixture.quantity(worth: FixedPoint(500), kind)
        #expect(engine.send(Fixture.order(.buy, full.description, on: instrument, positionSide: .long), market: Fixture.market()) == .accepted)
        #expect(engine.send(Fixture.order(.sell, full.description, on: instrument, positionSide: .short), market: Fixture.market()) == .accepted)
        let step = Fixture.step(kind)
        #expect(engine.send(Fixture.order(.sell, step.description, on: instrument, positionSide: .short),
                             market: Fixture.market()).rejectedCheck == .positionSize)
    }
}
