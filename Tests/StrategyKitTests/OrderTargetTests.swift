@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// `orderTarget` sends the one market order from the position to the target: reduce-only when it
/// only shrinks the position, nothing while orders are open or for a difference below the minimum.
@Suite(.watchdog) struct OrderTargetTests {
    static let btc = StrategyContextTests.btc

    static func quantity(_ text: String) -> Quantity { StrategyContextTests.quantity(text) }

    private func submits(_ commands: [OrderCommand]) -> [OrderRequest] {
        commands.compactMap { if case .submit(let request) = $0 { request } else { nil } }
    }

    @Test func movesToTheTargetWithOneMarketOrderReduceOnlyOnlyWhenShrinking() throws {
        let host = LedgerHost(name: "target", instruments: [Self.btc], startTime: Timestamp(millisecondsSinceEpoch: 1_000))
        let context = host.context
        let buy = try #require(try context.orderTarget(Self.btc.id, netQuantity: Self.quantity("0.01").value))
        #expect(try context.orderTarget(Self.btc.id, netQuantity: Self.quantity("0.02").value) == nil, "an order is still open")
        let opened = submits(host.send())
        #expect(opened.count == 1 && opened[0].side == .buy && opened[0].type == .market && !opened[0].reduceOnly)
        #expect(opened[0].quantity == Self.quantity("0.01"))
        try host.fill(buy, price: "60000")

        #expect(try context.orderTarget(Self.btc.id, netQuantity: Self.quantity("0.01").value) == nil, "already there")
        #expect(try context.orderTarget(Self.btc.id, netQuantity: Self.quantity("0.010001").value) == nil,
                "a difference below the 0.00001 minimum is dust")
        let reduce = try #require(try context.orderTarget(Self.btc.id, netQuantity: .zero))
        let closing = submits(host.send())
        #expect(closing.count == 1 && closing[0].side == .sell && closing[0].reduceOnly && closing[0].quantity == Self.quantity("0.01"))
        try host.fill(reduce, price: "60000")

        try context.orderTarget(Self.btc.id, netQuantity: Self.quantity("0.01").value.negated)
        let short = submits(host.send())
        #expect(short.count == 1 && short[0].side == .sell && !short[0].reduceOnly, "opening a short is not reduce-only")
    }

    @Test func anInstrumentOutsideTheManifestIsRefused() throws {
        let host = LedgerHost(name: "target", instruments: [Self.btc])
        let eth = try InstrumentId(parsing: "ETH-USDT")
        #expect(throws: OrderSubmissionError.unknownInstrument(eth)) { try host.context.orderTarget(eth, netQuantity: .zero) }
    }
}
