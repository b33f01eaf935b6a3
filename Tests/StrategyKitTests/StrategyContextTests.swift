@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct StrategyContextTests {
    static let btc = Instrument(id: try! InstrumentId(parsing: "BTC-USDT"), tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                lotSize: Quantity(FixedPoint(units: 1, decimals: 8)), minSize: Quantity(FixedPoint(units: 1, decimals: 5)))
    static let swap = Instrument(id: try! InstrumentId(parsing: "BTC-USDT-SWAP"), tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                 lotSize: Quantity(FixedPoint(units: 1, decimals: 2)), minSize: Quantity(FixedPoint(units: 1, decimals: 2)),
                                 contractValue: Quantity(FixedPoint(units: 1, decimals: 2)), contractCurrency: "BTC")

    static func price(_ text: String) -> Price { (try? Price(parsing: text)) ?? .zero }
    static func quantity(_ text: String) -> Quantity { (try? Quantity(parsing: text)) ?? .zero }

    private func context(prefix: String? = nil) -> StrategyContext {
        StrategyContext(name: "ctx-test", instruments: [Self.btc, Self.swap], allocatedCapital: Money(FixedPoint(1000)), clientOrderIdPrefix: prefix,
                        startTime: Timestamp(millisecondsSinceEpoch: 1_000))
    }

    private func host() -> LedgerHost {
        LedgerHost(name: "ctx-test", instruments: [Self.btc, Self.swap], capital: Money(FixedPoint(1000)),
                   startTime: Timestamp(millisecondsSinceEpoch: 1_000))
    }

    @Test func submissionQueuesCommandsWithDeterministicIdsAndTheClock() throws {
        let first = context()
        let second = context()
        for context in [first, second] {
            try context.buyLimit(Self.btc.id, quantity: Self.quantity("0.01"), price: Self.price("60000.1"), type: .postOnly)
            context.setClock(Timestamp(millisecondsSinceEpoch: 2_000))
            try context.sellMarket(Self.btc.id, quantity: Self.quantity("0.02"))
        }
        #expect(first.openOrders.count == 2 && first.openOrders.allSatisfy { $0.state == .pendingNew }) // queued
        let commands = first.takeOutbox()
        #expect(commands == second.takeOutbox()) // same input, same orders, same ids
        #expect(commands.map(\.clientOrderId.rawValue) == ["ctxtest000000000001", "ctxtest000000000002"])
        guard case .submit(let limit) = commands[0], case .submit(let market) = commands[1] else {
            Issue.record("expected two submits")
            return
        }
        #expect(limit.type == .postOnly && limit.price == Self.price("60000.1") && limit.createdAt == Timestamp(millisecondsSinceEpoch: 1_000))
        #expect(market.type == .market && market.price == nil && market.createdAt == Timestamp(millisecondsSinceEpoch: 2_000))
        #expect(market.strategy == "ctx-test")
        #expect(first.openOrders.isEmpty) // taken, and no host recorded them
        #expect(!first.hasPendingCommands)
        #expect(context(prefix: "run7!").submitIdForTest() == "run7000000000001")
    }

    @Test func malformedOrdersAreRefusedWithTheReason() {
        let context = context()
        let other = try! InstrumentId(parsing: "ETH-USDT")
        #expect(throws: OrderSubmissionError.unknownInstrument(other)) { try context.buyMarket(other, quantity: Self.quantity("1")) }
        #expect(throws: OrderSubmissionError.zeroQuantity(Self.btc.id)) { try context.buyMarket(Self.btc.id, quantity: .zero) }
        #expect(throws: OrderSubmissionError.quantityOffLotGrid(Self.quantity("0.000000001"), lotSize: Self.btc.lotSize, instrument: Self.btc.id)) {
            try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.000000001"))
        }
        #expect(throws: OrderSubmissionError.quantityBelowMinimum(Self.quantity("0.000001"), minimum: Self.btc.minSize, instrument: Self.btc.id)) {
            try context.buyMarket(Self.btc.id, quantity: Self.quantity("0.000001"))
        }
        #expect(throws: OrderSubmissionError.missingPrice(.ioc)) { try context.submit(Self.btc.id, .buy, .ioc, quantity: Self.quantity("1")) }
        #expect(throws: OrderSubmissionError.priceOffTickGrid(Self.price("60000.05"), tickSize: Self.btc.tickSize, instrument: Self.btc.id)) {
            try context.buyLimit(Self.btc.id, quantity: Self.quantity("1"), price: Self.price("60000.05"))
        }
        #expect(throws: OrderSubmissionError.unknownOrder(ClientOrderId("nope"))) { try context.cancel(ClientOrderId("nope")) }
        #expect(!context.hasPendingCommands)
        #expect(context.roundPrice(Self.price("60000.05"), on: Self.btc.id, .down) == Self.price("60000"))
    }

    @Test func openOrdersAreTheLedgersPlusWhatThisCallbackQueued() throws {
        let host = host()
        let context = host.context
        let id = try context.buyLimit(Self.btc.id, quantity: Self.quantity("0.03"), price: Self.price("100"))
        #expect(context.openOrder(id)?.state == .pendingNew) // queued, not taken yet
        host.send()
        #expect(context.openOrder(id)?.state == .working)
        try context.amend(id, price: Self.price("101"))
        #expect(host.send() == [.amend(clientOrderId: id, instrument: Self.btc.id, newQuantity: nil, newPrice: Self.price("101"))])
        #expect(context.openOrder(id)?.price == Self.price("100")) // unchanged until the venue confirms
        #expect(host.ledger.ordersAwaitingAnswers == [id]) // a stopping host waits for the answer
        host.ledger.recordAmended(id, of: context.name, quantity: Self.quantity("0.03"), price: Self.price("101"))
        #expect(context.openOrder(id)?.price == Self.price("101"))
        #expect(host.ledger.ordersAwaitingAnswers.isEmpty)
        try host.fill(id, price: "101", quantity: "0.01")
        #expect(context.openOrder(id)?.remainingQuantity == Self.quantity("0.02"))
        try context.cancel(id)
        #expect(context.openOrder(id)?.state == .pendingCancel) // queued cancel shows at once
        try context.cancel(id) // already pending cancel: no second command
        #expect(host.send() == [.cancel(clientOrderId: id, instrument: Self.btc.id)])
        #expect(host.ledger.ordersAwaitingAnswers == [id])
        try context.cancel(id) // the ledger's cancel in flight: no command either
        #expect(!context.hasPendingCommands)
        host.ledger.recordCancelRefused(id, of: context.name)
        #expect(context.openOrder(id)?.state == .working)
        #expect(host.ledger.ordersAwaitingAnswers.isEmpty)
        host.ledger.recordEnded(id, of: context.name)
        #expect(context.openOrders.isEmpty)
        #expect(throws: OrderSubmissionError.unknownOrder(id)) { try context.cancel(id) }
    }

    @Test func positionsAndPnLAreThePortfolios() throws {
        let host = host()
        let context = host.context
        let buy = try context.buyMarket(Self.btc.id, quantity: Self.quantity("2"))
        host.send()
        try host.fill(buy, price: "100", quantity: "1", fee: "0.1")
        try host.fill(buy, price: "110", quantity: "1", fee: "0.1")
        var position = context.position(Self.btc.id)
        #expect(position.netQuantity == FixedPoint(2))
        #expect(position.averageEntryPrice == Self.price("105"))
        #expect(context.openOrders.isEmpty) // fully filled
        try host.mark(Self.btc.id, "120")
        #expect(context.unrealizedPnL(Self.btc.id) == (try Money(parsing: "30")))

        // Sell 3: closes 2 at 120 (+30 realized), opens 1 short at 120.
        let sell = try context.sellMarket(Self.btc.id, quantity: Self.quantity("3"))
        host.send()
        try host.fill(sell, price: "120")
        position = context.position(Self.btc.id)
        #expect(position.netQuantity == FixedPoint(-1))
        #expect(position.averageEntryPrice == Self.price("120"))
        #expect(position.realizedPnL == (try Money(parsing: "30")))
        #expect(context.fees == (try Money(parsing: "0.2")))
        try host.mark(Self.btc.id, "100")
        #expect(context.unrealizedPnL == (try Money(parsing: "20")))
        #expect(context.totalPnL == (try Money(parsing: "49.8")))

        // flatten: cancels open orders on the instrument and buys back 1 reduce-only.
        try context.buyLimit(Self.btc.id, quantity: Self.quantity("1"), price: Self.price("90"))
        host.send()
        let closing = try #require(try context.flatten(Self.btc.id))
        let commands = context.takeOutbox()
        #expect(commands.count == 2)
        guard case .cancel = commands[0], case .submit(let close) = commands[1] else {
            Issue.record("expected cancel then submit, got \(commands)")
            return
        }
        #expect(close.clientOrderId == closing && close.side == .buy && close.reduceOnly && close.quantity == Self.quantity("1"))
    }

    @Test func contractPnLUsesTheContractValue() throws {
        let host = host()
        let context = host.context
        let buy = try context.buyMarket(Self.swap.id, quantity: Self.quantity("10")) // 10 contracts × 0.01 BTC
        host.send()
        try host.fill(buy, price: "60000")
        let sell = try context.sellMarket(Self.swap.id, quantity: Self.quantity("10"))
        host.send()
        try host.fill(sell, price: "60100")
        #expect(context.position(Self.swap.id).realizedPnL == (try Money(parsing: "10"))) // 100 × 0.1 BTC
        #expect(context.position(Self.swap.id).isFlat)
        #expect(context.position(Self.swap.id).averageEntryPrice == nil)
    }

    @Test func withoutALedgerEverythingIsFlatAndOnlyQueuedOrdersShow() throws {
        let context = context()
        #expect(context.position(Self.btc.id).isFlat && context.openOrders.isEmpty)
        let id = try context.buyMarket(Self.btc.id, quantity: Self.quantity("1"))
        #expect(context.openOrders.map(\.clientOrderId) == [id])
        _ = context.takeOutbox()
        #expect(context.openOrders.isEmpty)
    }

    @Test func loggerBuildsMessagesOnlyWhenEnabled() {
        final class Box { var lines: [String] = []; var built = 0 }
        let box = Box()
        let logger = StrategyLogger(minimumLevel: .info) { level, message in box.lines.append("\(level): \(message)") }
        func message(_ text: String) -> String { box.built += 1; return text }
        logger.debug(message("hidden"))
        logger.warning(message("shown"))
        #expect(box.lines == ["warning: shown"])
        #expect(box.built == 1)
    }
}

extension StrategyContext {
    /// Queues a market buy on the first instrument and returns its id (for the prefix test).
    fileprivate func submitIdForTest() -> String {
        (try? buyMarket(instrumentIds[0], quantity: Quantity(FixedPoint(1))).rawValue) ?? ""
    }
}
