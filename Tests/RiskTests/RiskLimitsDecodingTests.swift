import Foundation
import TestSupport
import Testing
import TradingCore
@testable import Risk

@Suite("Risk limits from manifests, strategies rows and runtime.yaml", .watchdog)
struct RiskLimitsDecodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func readsEveryFieldExactly() throws {
        let limits = try decode(RiskLimits.self, """
            {"max_order_quantity": "0.5", "max_order_notional": 25000, "max_position_size": "100000.25",
             "max_leverage": 3, "price_band_pct": 2.5, "max_orders_per_minute": 120, "max_open_orders": 10,
             "max_daily_loss": "1500", "max_drawdown_pct": "12.5", "max_consecutive_losses": 5,
             "allocated_capital": "50000", "actions": {"max_position_size": "trim"}}
            """)
        #expect(limits.maxOrderQuantity == Quantity(Fixture.fp("0.5")))
        #expect(limits.maxOrderNotional == Money(FixedPoint(25000)))
        #expect(limits.maxPositionSize == Money(Fixture.fp("100000.25")))
        #expect(limits.maxLeverage == FixedPoint(3))
        #expect(limits.priceBandPct == Fixture.fp("2.5"))
        #expect(limits.maxOrdersPerMinute == 120)
        #expect(limits.maxOpenOrders == 10)
        #expect(limits.maxDailyLoss == Money(FixedPoint(1500)))
        #expect(limits.maxDrawdownPct == Fixture.fp("12.5"))
        #expect(limits.maxConsecutiveLosses == 5)
        #expect(limits.allocatedCapital == Money(FixedPoint(50000)))
        #expect(limits.actions.maxPositionSize == .trim)
    }

    @Test func leftOutFieldsTakeTheDocumentedDefaults() throws {
        let limits = try decode(RiskLimits.self, "{}")
        #expect(limits == RiskLimits())
        #expect(limits.priceBandPct == FixedPoint(5))
        #expect(limits.maxOrdersPerMinute == 60)
        #expect(limits.maxOpenOrders == 50)
        #expect(limits.maxOrderQuantity == nil && limits.maxDailyLoss == nil && limits.maxLeverage == nil)
    }

    @Test(arguments: [
        ("max_order_quantity", "\"-1\""), ("max_order_notional", "0"), ("max_position_size", "-5"),
        ("max_leverage", "200"), ("price_band_pct", "150"), ("max_orders_per_minute", "0"),
        ("max_orders_per_minute", "1.5"), ("max_open_orders", "-2"), ("max_daily_loss", "\"-100\""),
        ("max_drawdown_pct", "101"), ("max_consecutive_losses", "0"), ("max_order_quantity", "\"lots\""),
    ])
    func nonsenseIsRefusedNamingTheField(_ field: String, _ value: String) {
        let body = field == "max_leverage" ? "{\"\(field)\": \(value), \"allocated_capital\": 1000}" : "{\"\(field)\": \(value)}"
        do {
            _ = try decode(RiskLimits.self, body)
            Issue.record("\(field) = \(value) was accepted")
        } catch let error as RiskLimitsError {
            #expect(error.description.contains("'\(field)'"), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unknownFieldsAndMissingCompanionsAreRefused() {
        #expect(throws: RiskLimitsError.unknownField(field: "max_order_qty", known: RiskLimits.fieldNames)) {
            try decode(RiskLimits.self, "{\"max_order_qty\": 1}")
        }
        #expect(throws: RiskLimitsError.missingCompanion(field: "max_leverage", requires: "allocated_capital")) {
            try decode(RiskLimits.self, "{\"max_leverage\": 2}")
        }
        #expect(throws: RiskLimitsError.self) {
            try decode(RiskLimits.self, "{\"actions\": {\"max_position_size\": \"shrink\"}}")
        }
    }

    @Test func theStrategiesRowWins() throws {
        let manifest = try decode(RiskLimits.self, "{\"max_position_size\": 100, \"max_leverage\": 2, \"allocated_capital\": 1000}")
        let merged = try manifest.applyingStrategyRow(allocatedCapital: Money(FixedPoint(5000)), maxPositionSize: nil,
                                                      maxLeverage: FixedPoint(3))
        #expect(merged.allocatedCapital == Money(FixedPoint(5000)))
        #expect(merged.maxPositionSize == Money(FixedPoint(100)))
        #expect(merged.maxLeverage == FixedPoint(3))
        #expect(throws: RiskLimitsError.self) {
            try manifest.applyingStrategyRow(allocatedCapital: Money(FixedPoint(-1)), maxPositionSize: nil, maxLeverage: nil)
        }
    }

    @Test func accountLimitsReadTheRuntimeSection() throws {
        let account = try decode(AccountRiskLimits.self, """
            {"max_gross_notional": "250000", "max_daily_loss": 10000, "stale_data_after_ms": 3000,
             "reduce_at_pct_of_limit": 75, "rejection_summary_window_ms": 30000, "kill_switch": false,
             "actions": {"max_order_quantity": "trim"}}
            """)
        #expect(account.maxGrossNotional == Money(FixedPoint(250000)))
        #expect(account.maxDailyLoss == Money(FixedPoint(10000)))
        #expect(account.staleDataAfterMilliseconds == 3000)
        #expect(account.reduceAtPercentOfLimit == FixedPoint(75))
        #expect(account.rejectionSummaryWindowMilliseconds == 30000)
        #expect(account.actions.maxOrderQuantity == .trim)
        #expect(try decode(AccountRiskLimits.self, "{}") == AccountRiskLimits())
        #expect(throws: RiskLimitsError.self) { try decode(AccountRiskLimits.self, "{\"stale_data_after_ms\": -1}") }
    }
}
