import StrategyKit
import TradingCore

// Test-only literal conformances, so that an assertion reads like the number it means:
// `#expect(tester.position("BTC-USDT").netQuantity == 0.00999)` compares exact decimals (see
// DecimalLiteral). The SDK leaves them out on purpose (a strategy should not mix `Double` into money by
// accident); a test target that imports StrategyKitTesting gets them. A literal with more than 12
// decimals is rounded to 12, as `FixedPoint(approximating:)` does.

extension FixedPoint: @retroactive ExpressibleByFloatLiteral, @retroactive ExpressibleByIntegerLiteral {
    /// The exact decimal the literal spells.
    public init(floatLiteral value: Double) {
        guard let value = DecimalLiteral.fixedPoint(value) ?? FixedPoint(approximating: value) else {
            // Only a literal beyond ±10^26 gets here: no price, size or amount is that large.
            preconditionFailure("StrategyKitTesting: the literal \(value) is out of FixedPoint's range")
        }
        self = value
    }

    /// The integer.
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Price: @retroactive ExpressibleByFloatLiteral, @retroactive ExpressibleByIntegerLiteral {
    /// The exact price the literal spells.
    public init(floatLiteral value: Double) { self.init(FixedPoint(floatLiteral: value)) }
    /// The whole price.
    public init(integerLiteral value: Int) { self.init(FixedPoint(value)) }
}

extension Quantity: @retroactive ExpressibleByFloatLiteral, @retroactive ExpressibleByIntegerLiteral {
    /// The exact size the literal spells.
    public init(floatLiteral value: Double) { self.init(FixedPoint(floatLiteral: value)) }
    /// The whole size.
    public init(integerLiteral value: Int) { self.init(FixedPoint(value)) }
}

extension Money: @retroactive ExpressibleByFloatLiteral, @retroactive ExpressibleByIntegerLiteral {
    /// The exact amount the literal spells.
    public init(floatLiteral value: Double) { self.init(FixedPoint(floatLiteral: value)) }
    /// The whole amount.
    public init(integerLiteral value: Int) { self.init(FixedPoint(value)) }
}
