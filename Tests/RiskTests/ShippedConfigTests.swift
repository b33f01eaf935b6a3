#if canImport(Yams)
import Foundation
import TestSupport
import Testing
import TradingCore
import Yams
@testable import Risk

/// The shipped config/runtime.yaml `risk:` section decodes, as the host will decode it.
@Suite("Shipped risk configuration", .watchdog)
struct ShippedConfigTests {
    struct RuntimeConfig: Decodable { var risk: AccountRiskLimits }

    @Test func runtimeYAMLRiskSectionDecodes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/runtime.yaml")
        let config = try YAMLDecoder().decode(RuntimeConfig.self, from: String(contentsOf: url, encoding: .utf8))
        #expect(config.risk.maxGrossNotional == Money(FixedPoint(250_000)))
        #expect(config.risk.staleDataAfterMilliseconds == 5_000)
        #expect(config.risk.actions.maxPositionSize == .trim)
        #expect(!config.risk.killSwitchEngagedAtStart)
    }

    @Test func manifestRiskLimitsDecodeFromYAML() throws {
        let limits = try YAMLDecoder().decode(RiskLimits.self, from: """
            max_order_quantity: 0.5
            max_order_notional: "25000"
            max_leverage: 3
            allocated_capital: 10000
            max_drawdown_pct: 12.5
            """)
        #expect(limits.maxOrderQuantity == Quantity(Fixture.fp("0.5")))
        #expect(limits.maxOrderNotional == Money(FixedPoint(25_000)))
        #expect(limits.maxDrawdownPct == Fixture.fp("12.5"))
        // Yams wraps the refusal in a DecodingError whose underlying error is ours: the text still names the field.
        let error = #expect(throws: (any Error).self) { try YAMLDecoder().decode(RiskLimits.self, from: "max_daily_loss: -5") }
        #expect(String(describing: error).contains("risk limit 'max_daily_loss' = -5 is refused"))
    }
}
#endif
