import Foundation
import TestSupport
import Testing
import TradingCore

@Suite("Identifiers", .watchdog)
struct IdentifierTests {
    @Test("client order ids follow OKX's clOrdId rule")
    func clientOrderIds() throws {
        #expect(try ClientOrderId(validating: "HamsterParty14").rawValue == "HamsterParty14")
        #expect(try ClientOrderId(validating: String(repeating: "a", count: 32)).rawValue.count == 32)
        for bad in ["", String(repeating: "a", count: 33), "order-1", "order 1", "ordér"] {
            #expect(throws: ClientOrderIdError.self) { try ClientOrderId(validating: bad) }
        }
        #expect((try? ClientOrderId(validating: "a-b")) == nil)
        #expect(ClientOrderIdError(input: "a-b", reason: "may contain only ASCII letters and digits").description == "client order id 'a-b' may contain only ASCII letters and digits")
    }

    @Test("order statuses are the seed's trades.status values")
    func statuses() {
        #expect(OrderStatus.allCases.map(\.rawValue) == ["pending", "submitted", "partially_filled", "filled", "cancelled", "rejected", "failed"])
        #expect(OrderStatus.filled.isTerminal && !OrderStatus.partiallyFilled.isTerminal)
        #expect(OrderType.postOnly.rawValue == "post_only" && !OrderType.market.hasLimitPrice)
        #expect(Side.buy.opposite == .sell && Side.sell.sign == -1)
    }

    @Test("ids with the same text are equal and hash alike; different texts are not equal")
    func equalityFollowsTheText() {
        let text = "smacrossover" + "a" + "000000000042"
        #expect(ClientOrderId(text) == ClientOrderId("smacrossovera000000000042"))
        #expect(ClientOrderId(text).hashValue == ClientOrderId("smacrossovera000000000042").hashValue)
        #expect(ClientOrderId(text) != ClientOrderId("smacrossovera000000000043"))
        #expect(StrategyName("sma_btc") == "sma_btc")
        #expect(StrategyName("sma_btc").hashValue == StrategyName(String("sma_" + "btc")).hashValue)
        #expect(StrategyName("sma_btc") != "sma_eth")
        let names: Set<StrategyName> = ["a", "b", "a"]
        #expect(names.count == 2)
    }

    @Test("a validated client order id equals the unchecked one of the same text")
    func validatedIdsAreTheSameIds() throws {
        #expect(try ClientOrderId(validating: "abc123") == ClientOrderId("abc123"))
    }

    @Test("a decoded strategy name equals the literal one")
    func decodedNames() throws {
        let decoded = try JSONDecoder().decode([StrategyName].self, from: Data(#"["sma_btc"]"#.utf8))
        #expect(decoded == ["sma_btc"])
        #expect(Set(decoded).contains("sma_btc"))
    }

    @Test("a sequenced id is the prefix, then the number zero-padded to the width, or wider when it must be")
    func sequencedIds() {
        #expect(String(prefix: "PAPER-", number: 42, width: 8) == "PAPER-00000042")
        #expect(String(prefix: "s", number: 0, width: 3) == "s000")
        #expect(String(prefix: "", number: 7, width: 1) == "7")
        #expect(String(prefix: "x", number: 123_456, width: 3) == "x123456")
        #expect(String(prefix: "ab", number: UInt64.max, width: 12) == "ab18446744073709551615")
    }
}
