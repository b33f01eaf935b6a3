import Foundation
import PostgresNIO
@testable import Storage
import Testing
import TradingCore

@Suite struct TradingRecordWriterTests {
    /// Trade + position changes are written together; a change the server refuses (unknown
    /// strategy) is kept aside and counted without stopping the others; nothing is dropped.
    @Test func writesChangesAndKeepsRefusedOnesAside() async throws {
        try await ScratchDatabase.with { database, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "w", strategyType: "t", version: "1", symbols: ["BTC-USDT"]))
            let instrument = try InstrumentId(parsing: "BTC-USDT")
            let time = Timestamp.utc(2026, 11, 20, 9)
            let writer = TradingRecordWriter(target: database.target, capacity: 4, batchSize: 3)
            let drain = Task { await writer.run() }
            for index in 0..<10 {
                let trade = TradeRecord(clientOrderId: ClientOrderId("t-\(index)"), strategyId: index == 5 ? UUID() : strategyId,
                                        instrument: instrument, side: .buy, orderType: .market, quantity: Quantity(FixedPoint(1)), price: nil,
                                        avgFillPrice: Price(FixedPoint(100)), filledQuantity: Quantity(FixedPoint(1)), status: .filled,
                                        createdAt: time, mode: .replay)
                let position = PositionRecord(strategyId: strategyId, instrument: instrument, side: .long, quantity: Quantity(FixedPoint(index + 1)),
                                              avgEntryPrice: Price(FixedPoint(100)), openedAt: time, lastUpdated: time, mode: .replay)
                try await writer.submit(.trade(trade, position: index == 5 ? nil : position))
            }
            try await writer.submit(.riskEvent(RiskEventRecord(eventType: "drawdown", severity: .warning, strategyId: strategyId,
                                                                description: "d", createdAt: time, mode: .replay)))
            await writer.flush()
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == 10)
            #expect(writer.statistics.refused == 1)
            #expect(writer.refused.first.map { if case .trade(let trade, _) = $0.change { trade.clientOrderId.rawValue } else { "" } } == "t-5")
            let trades = try await TradeRepository(client).trades(from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21), mode: .replay)
            #expect(trades.count == 9)
            #expect(try await PositionRepository(client).positions(mode: .replay).first?.quantity == Quantity(FixedPoint(10)))
            #expect(try await RiskEventRepository(client).events().count == 1)
        }
    }
}
