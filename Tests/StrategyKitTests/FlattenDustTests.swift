@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// `flatten` closes what an order can close and leaves the rest as dust, never throwing for the
/// position's size: a spot buy's fee in the base currency, or a remainder off the lot grid, must
/// not make a strategy's `stop()` fail (the host halts a strategy that throws).
@Suite(.watchdog) struct FlattenDustTests {
    /// OKX's BTC-USDT rules: lot 0.00000001, minimum order 0.00001.
    static let btc = StrategyContextTests.btc
    /// A swap: lot and minimum 0.01 contracts.
    static let swap = StrategyContextTests.swap

    static func quantity(_ text: String) -> Quantity { StrategyContextTests.quantity(text) }

    private func host() -> LedgerHost {
        LedgerHost(name: "dust", instruments: [Self.btc, Self.swap], startTime: Timestamp(millisecondsSinceEpoch: 1_000))
    }

    /// Sends the queued buy and fills it in full at 60000, paying OKX's 0.10% taker fee of a spot
    /// buy in BTC.
    private func fillPayingFeeInBase(_ order: ClientOrderId, _ host: LedgerHost) throws {
        host.send()
        let request = try #require(host.context.openOrder(order)?.request)
        let fee = Money(try request.quantity.value.multiplied(by: FixedPoint(units: 1, decimals: 3), rounding: .up))
        try host.fill(order, price: "60000", fee: fee.description, feeCurrency: "BTC")
    }

    /// Gives the strategy a position of `quantity` (signed) by a fill of any size.
    private func hold(_ quantity: String, in instrument: Instrument, _ host: LedgerHost) throws {
        let size = Self.quantity(quantity.hasPrefix("-") ? String(quantity.dropFirst()) : quantity)
        let request = OrderRequest(clientOrderId: ClientOrderId("seed"), strategy: host.context.name, instrument: instrument.id,
                                   side: quantity.hasPrefix("-") ? .sell : .buy, type: .market, quantity: size, price: nil,
                                   positionSide: .net, reduceOnly: false, createdAt: .zero)
        host.ledger.recordSent(request)
        try host.fill(request.clientOrderId, price: "60000")
    }

    /// The one order queued, which must be a submit.
    private func onlySubmit(_ context: StrategyContext) throws -> OrderRequest {
        let commands = context.takeOutbox()
        guard commands.count == 1, case .submit(let request) = commands[0] else {
            Issue.record("expected one submit, got \(commands)")
            throw DustTestFailure()
        }
        return request
    }

    struct DustTestFailure: Error {}

    @Test func aSpotBuysBaseFeeComesOutOfTheHoldingAndFlattenSellsAllOfIt() throws {
        let host = host()
        let context = host.context
        try fillPayingFeeInBase(try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.00015")), host)
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.00014985").value)
        #expect(context.fees == Money(Self.quantity("0.009").value)) // 0.00000015 BTC at 60000
        #expect(context.closableQuantity(Self.btc.id) == Self.quantity("0.00014985"))

        let closing = try #require(try context.flatten(Self.btc.id))
        let close = try onlySubmit(context)
        #expect(close.clientOrderId == closing && close.side == .sell && close.type == .market && close.reduceOnly)
        #expect(close.quantity == Self.quantity("0.00014985"))
    }

    @Test func aRemainderOffTheLotGridIsRoundedDownAndWhatIsLeftStaysAsDust() throws {
        let host = host()
        let context = host.context
        try fillPayingFeeInBase(try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.00012345")), host)
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.00012332655").value)

        let closing = try #require(try context.flatten(Self.btc.id))
        let close = try onlySubmit(context)
        #expect(close.quantity == Self.quantity("0.00012332"), "rounded down to the 0.00000001 lot, never up")
        host.ledger.recordSent(close)
        try host.fill(closing, price: "60000")

        // 0.00000000655 BTC is left: nothing an order can close, so flat (issue 20: a strategy
        // testing isFlat re-enters), with the exact dust still readable.
        let dust = context.position(Self.btc.id)
        #expect(dust.netQuantity == Self.quantity("0.00000000655").value)
        #expect(dust.isFlat && !dust.isLong && !dust.isShort)
        #expect(context.closableQuantity(Self.btc.id).isZero)
        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(!context.hasPendingCommands)
    }

    @Test func aHoldingBelowTheMinimumOrderSizeSendsNothingButOpenOrdersAreStillCanceled() throws {
        let host = host()
        let context = host.context
        try hold("0.000009", in: Self.btc, host) // on the lot grid, below the 0.00001 minimum
        let resting = try context.buyLimit(Self.btc.id, quantity: Self.quantity("0.001"), price: StrategyContextTests.price("59000"))
        host.send()

        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(context.takeOutbox() == [.cancel(clientOrderId: resting, instrument: Self.btc.id)])
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.000009").value, "the dust stays")
    }

    @Test func aShortSwapPositionIsBoughtBackToTheLot() throws {
        let host = host()
        let context = host.context
        try hold("-1.005", in: Self.swap, host)
        try context.flatten(Self.swap.id)
        let close = try onlySubmit(context)
        #expect(close.side == .buy && close.reduceOnly && close.quantity == Self.quantity("1"))
    }

    @Test func flatteningAFlatOrUnknownInstrument() throws {
        let context = host().context
        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(!context.hasPendingCommands)
        let other = try InstrumentId(parsing: "ETH-USDT")
        #expect(throws: OrderSubmissionError.unknownInstrument(other)) { try context.flatten(other) }
        #expect(context.closableQuantity(other).isZero)
    }

    /// The venue refuses any order below the minimum size, reduce-only or not: the context says
    /// so when the order is submitted instead of queuing an order bound to be refused.
    @Test func aReduceOnlyOrderBelowTheMinimumIsRefusedAtSubmission() {
        let context = host().context
        #expect(throws: OrderSubmissionError.quantityBelowMinimum(Self.quantity("0.000009"), minimum: Self.btc.minSize, instrument: Self.btc.id)) {
            try context.sellMarket(Self.btc.id, quantity: Self.quantity("0.000009"), reduceOnly: true)
        }
        #expect(!context.hasPendingCommands)
    }
}
