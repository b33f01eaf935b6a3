import StrategyKit
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

    private func context() -> StrategyContext {
        StrategyContext(name: "dust", instruments: [Self.btc, Self.swap], startTime: Timestamp(millisecondsSinceEpoch: 1_000))
    }

    /// Fills `order` in full at 60000, paying OKX's 0.10% taker fee of a spot buy in BTC.
    private func fillPayingFeeInBase(_ order: ClientOrderId, _ context: StrategyContext) throws {
        let request = try #require(context.openOrder(order)?.request)
        let fee = Money(try request.quantity.value.multiplied(by: FixedPoint(units: 1, decimals: 3), rounding: .up))
        try context.recordFill(Fill(clientOrderId: order, venueOrderId: VenueOrderId("PAPER-1"), strategy: request.strategy,
                                    instrument: request.instrument, side: request.side, positionSide: .net,
                                    price: StrategyContextTests.price("60000"), quantity: request.quantity, fee: fee,
                                    feeCurrency: "BTC", liquidity: .taker, timestamp: .zero))
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
        let context = context()
        try fillPayingFeeInBase(try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.00015")), context)
        _ = context.takeOutbox()
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.00014985").value)
        #expect(context.fees == Money(Self.quantity("0.009").value)) // 0.00000015 BTC at 60000
        #expect(context.closableQuantity(Self.btc.id) == Self.quantity("0.00014985"))

        let closing = try #require(try context.flatten(Self.btc.id))
        let close = try onlySubmit(context)
        #expect(close.clientOrderId == closing && close.side == .sell && close.type == .market && close.reduceOnly)
        #expect(close.quantity == Self.quantity("0.00014985"))
    }

    @Test func aRemainderOffTheLotGridIsRoundedDownAndWhatIsLeftStaysAsDust() throws {
        let context = context()
        try fillPayingFeeInBase(try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.00012345")), context)
        _ = context.takeOutbox()
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.00012332655").value)

        let closing = try #require(try context.flatten(Self.btc.id))
        let close = try onlySubmit(context)
        #expect(close.quantity == Self.quantity("0.00012332"), "rounded down to the 0.00000001 lot, never up")
        try context.recordFill(Fill(clientOrderId: closing, venueOrderId: VenueOrderId("PAPER-2"), strategy: close.strategy,
                                    instrument: close.instrument, side: .sell, positionSide: .net,
                                    price: StrategyContextTests.price("60000"), quantity: close.quantity, fee: .zero,
                                    feeCurrency: "USDT", liquidity: .taker, timestamp: .zero))

        // 0.00000000655 BTC is left: not flat, but nothing an order can close.
        let dust = context.position(Self.btc.id)
        #expect(dust.netQuantity == Self.quantity("0.00000000655").value)
        #expect(!dust.isFlat)
        #expect(context.closableQuantity(Self.btc.id).isZero)
        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(!context.hasPendingCommands)
    }

    @Test func aHoldingBelowTheMinimumOrderSizeSendsNothingButOpenOrdersAreStillCanceled() throws {
        let context = context()
        var position = StrategyPosition(instrument: Self.btc.id)
        position.netQuantity = Self.quantity("0.000009").value // on the lot grid, below the 0.00001 minimum
        context.replacePosition(position)
        let resting = try context.buyLimit(Self.btc.id, quantity: Self.quantity("0.001"), price: StrategyContextTests.price("59000"))
        _ = context.takeOutbox()

        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(context.takeOutbox() == [.cancel(clientOrderId: resting, instrument: Self.btc.id)])
        #expect(context.position(Self.btc.id).netQuantity == Self.quantity("0.000009").value, "the dust stays")
    }

    @Test func aShortSwapPositionIsBoughtBackToTheLot() throws {
        let context = context()
        var position = StrategyPosition(instrument: Self.swap.id)
        position.netQuantity = Self.quantity("1.005").value.negated
        context.replacePosition(position)
        try context.flatten(Self.swap.id)
        let close = try onlySubmit(context)
        #expect(close.side == .buy && close.reduceOnly && close.quantity == Self.quantity("1"))
    }

    @Test func flatteningAFlatOrUnknownInstrument() throws {
        let context = context()
        #expect(try context.flatten(Self.btc.id) == nil)
        #expect(!context.hasPendingCommands)
        let other = try InstrumentId(parsing: "ETH-USDT")
        #expect(throws: OrderSubmissionError.unknownInstrument(other)) { try context.flatten(other) }
        #expect(context.closableQuantity(other).isZero)
    }

    /// The venue refuses any order below the minimum size, reduce-only or not: the context says
    /// so when the order is submitted instead of queuing an order bound to be refused.
    @Test func aReduceOnlyOrderBelowTheMinimumIsRefusedAtSubmission() {
        let context = context()
        #expect(throws: OrderSubmissionError.quantityBelowMinimum(Self.quantity("0.000009"), minimum: Self.btc.minSize, instrument: Self.btc.id)) {
            try context.sellMarket(Self.btc.id, quantity: Self.quantity("0.000009"), reduceOnly: true)
        }
        #expect(!context.hasPendingCommands)
    }
}
