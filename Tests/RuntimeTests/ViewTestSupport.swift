import Foundation
import PostgresNIO
import Storage
import TradingCore

/// Rows for the view tests, written through the Storage repositories.
enum ViewFixtures {
    /// 2026-11-25T12:00:00Z: "now" in the view tests, so "today" is fixed.
    static let now = Timestamp(millisecondsSinceEpoch: 1_795_608_000_000)
    static let second: Int64 = 1_000_000_000
    static let day: Int64 = 86_400 * 1_000_000_000

    static func fp(_ text: String) throws -> FixedPoint { try FixedPoint(parsing: text) }

    /// A decimal for expectations; text that does not parse gives an absurd value, failing the expectation.
    static func n(_ text: String) -> FixedPoint { (try? FixedPoint(parsing: text)) ?? FixedPoint(raw: .min) }

    static func instrument(_ symbol: String) throws -> InstrumentId { try InstrumentId(parsing: symbol) }

    @discardableResult
    static func strategy(_ name: String, status: StrategyStatus = .active, symbols: [String] = ["BTC-USDT"],
                         on client: PostgresClient) async throws -> UUID {
        try await StrategyRepository(client).upsert(StrategyRecord(name: StrategyName(name), strategyType: "test", version: "1.0.0",
                                                                  symbols: symbols, status: status))
    }

    /// A trade: filled (with `pnl`) unless `filled` is false, created `offset` ns from `now`.
    static func trade(_ id: String, strategy: UUID, mode: TradingMode, pnl: String?, filled: Bool = true, fee: String = "0.1",
                      offset: Int64 = -3_600 * second, on client: PostgresClient) async throws {
        let created = now.advanced(byNanoseconds: offset)
        let quantity = Quantity(try fp("0.5")), price = Price(try fp("100")), commission = Money(try fp(fee))
        let realized = try pnl.map { Money(try fp($0)) }
        try await TradeRepository(client).upsert(TradeRecord(
            clientOrderId: ClientOrderId(id), strategyId: strategy, instrument: try instrument("BTC-USDT"), side: .buy, orderType: .market,
            quantity: quantity, price: nil, avgFillPrice: filled ? price : nil,
            filledQuantity: filled ? quantity : .zero, commission: filled ? commission : .zero,
            commissionAsset: "USDT", realizedPnl: realized, status: filled ? .filled : .cancelled,
            createdAt: created, completedAt: created, mode: mode))
    }
}
