import Ledger
import Portfolio
import TradingCore
@testable import Risk

/// Instruments, markets and orders shared by the risk tests. Prices sit around 100 so that
/// notionals are easy to check by hand: a spot unit is worth 100, a swap contract (ctVal
/// 0.01) is worth 1.
enum Fixture {
    static func fp(_ text: String) -> FixedPoint {
        // Test literals are well-formed; a typo fails loudly through the zero fallback's assertions.
        (try? FixedPoint(parsing: text)) ?? FixedPoint(raw: -1)
    }

    static func id(_ text: String) -> InstrumentId {
        // swiftlint:disable:next force_try
        try! InstrumentId(parsing: text)
    }

    static let spotId = id("BTC-USDT")
    static let swapId = id("BTC-USDT-SWAP")
    static let otherId = id("ETH-USDT")

    static let spot = Instrument(id: spotId, tickSize: Price(fp("0.1")), lotSize: Quantity(fp("0.00000001")),
                                 minSize: Quantity(fp("0.00001")))
    static let swap = Instrument(id: swapId, tickSize: Price(fp("0.1")), lotSize: Quantity(fp("0.01")),
                                 minSize: Quantity(fp("0.01")), contractValue: Quantity(fp("0.01")), contractCurrency: "BTC")

    static let start = Timestamp(millisecondsSinceEpoch: 1_764_028_800_000) // 2025-11-25T00:00:00Z

    /// A healthy market: mark 100, bid 99.9, ask 100.1, data from `time`.
    static func market(mark: String = "100", bid: String = "99.9", ask: String = "100.1", valid: Bool = true,
                       at time: Timestamp = start) -> MarketSnapshot {
        MarketSnapshot(bestBid: Price(fp(bid)), bestAsk: Price(fp(ask)), mark: Price(fp(mark)), bookIsValid: valid,
                       lastDataTime: time)
    }

    static func order(_ side: Side, _ quantity: String, at price: String? = "100", on instrument: InstrumentId = spotId,
                      strategy: StrategyName = "alpha", type: OrderType? = nil, positionSide: PositionSide = .net,
                      time: Timestamp = start) -> OrderRequest {
        OrderRequest(clientOrderId: ClientOrderId("t\(side.rawValue)\(quantity)"), strategy: strategy, instrument: instrument,
                     side: side, type: type ?? (price == nil ? .market : .limit), quantity: Quantity(fp(quantity)),
                     price: price.map { Price(fp($0)) }, positionSide: positionSide, createdAt: time)
    }

    /// An engine with one strategy "alpha" trading spot and swap under `limits`.
    static func engine(_ limits: RiskLimits = RiskLimits(), account: AccountRiskLimits = AccountRiskLimits(),
                       state: StrategyTradingState = .active) -> RiskEngine {
        let engine = RiskEngine(account: account, ledger: ledger())
        engine.register(strategy: "alpha", instruments: [spot, swap], limits: limits,
                        restoring: StrategyRiskSnapshot(state: state))
        return engine
    }

    /// An empty ledger trading spot and swap (the risk engine reads positions and orders here).
    static func ledger() -> TradingLedger {
        TradingLedger(portfolio: Portfolio(instruments: [spot, swap], mode: .paper))
    }

    static func instrument(_ kind: InstrumentKind) -> Instrument { kind == .spot ? spot : swap }

    /// The smallest step of an instrument's quantity grid.
    static func step(_ kind: InstrumentKind) -> FixedPoint { instrument(kind).lotSize.value }

    /// The order quantity worth `notional` at price 100.
    static func quantity(worth notional: FixedPoint, _ kind: InstrumentKind) -> FixedPoint {
        kind == .spot ? (try? notional.divided(by: FixedPoint(100))) ?? .zero : notional
    }
}

extension RiskDecision {
    var rejectedCheck: RiskCheck? {
        if case .rejected(let breach) = self { return breach.check }
        return nil
    }
}

extension RiskEngine {
    /// Checks `request` and, when it passes, records it in the ledger as sent with the size the
    /// check allowed, as the host does: later checks see it as an open order.
    @discardableResult
    func send(_ request: OrderRequest, market: MarketSnapshot) -> RiskDecision {
        let decision = check(request, market: market)
        var sent = request
        switch decision {
        case .accepted: ledger.recordSent(sent)
        case .trimmed(let quantity, _):
            sent.quantity = quantity
            ledger.recordSent(sent)
        case .rejected: break
        }
        return decision
    }

    /// Gives the strategy a position of `quantity` (signed; hedge legs positive) through a fill at
    /// `price` (100 by default), and values the instrument there.
    func hold(_ quantity: FixedPoint, in instrument: InstrumentId, strategy: StrategyName = "alpha",
              positionSide: PositionSide = .net, at price: Price? = nil) {
        let side: Side = positionSide == .short || (positionSide == .net && quantity.isNegative) ? .sell : .buy
        let fill = Fill(clientOrderId: ClientOrderId("hold"), venueOrderId: VenueOrderId("PAPER-0"), strategy: strategy,
                        instrument: instrument, side: side, positionSide: positionSide, price: price ?? Price(FixedPoint(100)),
                        quantity: Quantity(quantity.magnitude), fee: .zero, feeCurrency: instrument.quote, liquidity: .taker,
                        timestamp: Fixture.start)
        _ = try? ledger.apply(fill)
        if let price { markToMarket(instrument: instrument, price: price) }
    }
}
