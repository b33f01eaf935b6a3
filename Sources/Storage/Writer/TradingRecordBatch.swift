import Foundation
import Logging
import PostgresNIO
import TradingCore

/// A batch of trading-record changes written as the fewest statements that leave the same rows.
///
/// Why: one statement per change costs a round trip and a plan each, and a replay makes
/// thousands of order changes a second; written one by one they made a persisted replay 27
/// times slower than the replay itself. Orders and positions are upserts keyed by client order
/// id and by (strategy, instrument, side, mode), so within one transaction only each key's last
/// state matters. The batch keeps that state (with the id the key's first upsert would have
/// inserted, and the last notes given, as `coalesce` keeps them) and upserts each table in one
/// statement (see ``ColumnArrays``). Risk events, audit rows, daily rollups, heartbeats and
/// status changes are few, have no key to merge on (events are appended), and keep their own
/// statements, in order.
struct TradingRecordBatch: Sendable {
    private(set) var trades: [TradeRecord] = []
    private(set) var positions: [PositionRecord] = []
    private(set) var others: [TradingRecordChange] = []

    private struct PositionKey: Hashable {
        var strategyId: UUID
        var symbol: String
        var side: PositionSide
        var mode: TradingMode
    }

    init(_ changes: [TradingRecordChange]) {
        var tradeSlots: [ClientOrderId: Int] = [:]
        var positionSlots: [PositionKey: Int] = [:]
        func add(_ trade: TradeRecord) {
            guard let slot = tradeSlots[trade.clientOrderId] else {
                tradeSlots[trade.clientOrderId] = trades.count
                trades.append(trade)
                return
            }
            var merged = trade
            merged.id = trades[slot].id
            merged.notes = trade.notes ?? trades[slot].notes
            trades[slot] = merged
        }
        func add(_ position: PositionRecord) {
            let key = PositionKey(strategyId: position.strategyId, symbol: position.instrument.symbol, side: position.side, mode: position.mode)
            guard let slot = positionSlots[key] else {
                positionSlots[key] = positions.count
                positions.append(position)
                return
            }
            var merged = position
            merged.id = positions[slot].id
            positions[slot] = merged
        }
        for change in changes {
            switch change {
            case .trade(let trade, let position):
                add(trade)
                if let position { add(position) }
            case .position(let position):
                add(position)
            case .riskEvent, .audit, .performance, .host, .strategyStatus:
                others.append(change)
            }
        }
    }

    /// Writes the batch inside the caller's transaction.
    func apply(on connection: GuardedConnection, logger: Logger) async throws {
        try await Self.upsert(trades, into: TradeRepository.table, TradeRepository.writtenColumns, bytesPerRow: 320,
                              encode: TradeRepository.encode, onConflict: TradeRepository.onConflict, on: connection, logger: logger)
        try await Self.upsert(positions, into: PositionRepository.table, PositionRepository.writtenColumns, bytesPerRow: 256,
                              encode: PositionRepository.encode, onConflict: PositionRepository.onConflict, on: connection, logger: logger)
        for change in others { try await change.apply(on: connection) }
    }

    /// Upserts `rows` (at most one per key) in one statement, as their repository's one-row
    /// upsert would one by one; nothing when there are none.
    private static func upsert<Row>(_ rows: [Row], into table: String, _ columns: ColumnArrays.Columns, bytesPerRow: Int,
                                    encode: (Row, inout ColumnArrays) -> Void, onConflict: String,
                                    on connection: GuardedConnection, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        var arrays = ColumnArrays(columns, bytesPerRow: bytesPerRow, rows: rows.count)
        for row in rows { encode(row, &arrays) }
        try await connection.query(arrays.insert(into: table, onConflict), logger: logger)
    }
}
