import TestSupport
import Testing
import TradingCore
import TradingTestSupport
@testable import Execution

@Suite("Order lifecycle state machine", .watchdog)
struct OrderLifecycleTests {
    func fresh(_ size: String = "2") -> OrderLifecycle {
        OrderLifecycle(request: order("o1", ethSpot, .buy, .limit, size, price: "100"), mode: .paper, decisionMid: px("100"))
    }

    @Test("pending -> submitted -> partially_filled -> filled")
    func happyPath() throws {
        var order = fresh()
        #expect(order.status == .pending)
        try order.accept(venueOrderId: VenueOrderId("PAPER-1"), at: ms(1_010))
        #expect(order.status == .submitted)
        try order.recordFill(price: px("100"), quantity: qty("0.5"), fee: money("0.0004"), feeAsset: "ETH", at: ms(1_020))
        #expect(order.status == .partiallyFilled)
        try order.recordFill(price: px("99"), quantity: qty("1.5"), fee: money("0.0012"), feeAsset: "ETH", at: ms(1_030))
        #expect(order.status == .filled)
        let record = order.record
        // (50 + 148.5) / 2 = 99.25
        #expect(record.avgFillPrice == px("99.25"))
        #expect(record.commission == money("0.0016"))
        // A buy below the mid is negative slippage: −0.75 / 100 × 10 000 = −75
        #expect(record.slippageBps == -75)
        #expect(record.latencyMs == 10)
        #expect(record.totalLatencyMs == 30)
    }

    @Test("transitions that do not fit the state are refused with the reason")
    func invalidTransitions() throws {
        var order = fresh()
        #expect(throws: OrderLifecycleError.invalidTransition(order: ClientOrderId("o1"), from: .pending, event: "fill")) {
            try order.recordFill(price: px("100"), quantity: qty("1"), fee: .zero, feeAsset: "ETH", at: ms(1))
        }
        try order.accept(venueOrderId: VenueOrderId("PAPER-1"), at: ms(2))
        #expect(throws: OrderLifecycleError.invalidTransition(order: ClientOrderId("o1"), from: .submitted, event: "reject")) {
            try order.reject(venueOrderId: nil, reason: "late", at: ms(3))
        }
        #expect(throws: OrderLifecycleError.overfill(order: ClientOrderId("o1"), ordered: qty("2"), filled: .zero, fill: qty("3"))) {
            try order.recordFill(price: px("100"), quantity: qty("3"), fee: .zero, feeAsset: "ETH", at: ms(3))
        }
        try order.recordFill(price: px("100"), quantity: qty("1"), fee: .zero, feeAsset: "ETH", at: ms(3))
        #expect(throws: OrderLifecycleError.commissionAssetChanged(order: ClientOrderId("o1"), expected: "ETH", received: "USDT")) {
            try order.recordFill(price: px("100"), quantity: qty("0.5"), fee: .zero, feeAsset: "USDT", at: ms(4))
        }
        #expect(throws: OrderLifecycleError.amendBelowFilled(order: ClientOrderId("o1"), requested: qty("0.5"), filled: qty("1"))) {
            try order.amend(quantity: qty("0.5"), price: nil, at: ms(4))
        }
        try order.cancel(reason: nil, at: ms(5))
        #expect(order.status == .cancelled)
        #expect(throws: OrderLifecycleError.invalidTransition(order: ClientOrderId("o1"), from: .cancelled, event: "cancel")) {
            try order.cancel(reason: nil, at: ms(6))
        }
        #expect(throws: OrderLifecycleError.invalidTransition(order: ClientOrderId("o1"), from: .cancelled, event: "fail")) {
            try order.fail(reason: "x", at: ms(6))
        }
    }

    @Test("a rejection ends a pending order with its reason and times")
    func rejection() throws {
        var order = fresh()
        try order.reject(venueOrderId: VenueOrderId("PAPER-9"), reason: "quantity too small", at: ms(1_005))
        let record = order.record
        #expect(record.status == .rejected)
        #expect(record.rejectReason == "quantity too small")
        #expect(record.completedAt == ms(1_005))
        #expect(record.totalLatencyMs == 5)
        #expect(record.avgFillPrice == nil && record.slippageBps == nil && record.commissionAsset == nil)
    }
}
