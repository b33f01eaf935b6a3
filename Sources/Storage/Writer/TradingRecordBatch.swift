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
/// inserted, and the last notes given, as `coalesce` keeps them), streams the rows with COPY into
/// session-local staging tables and upserts each table in one statement. Risk events, audit
/// rows, daily rollups, heartbeats and status changes are few, have no key to merge on (events
/// are appended), and keep their own statements, in order.
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

    static let tradeStaging = "writer_trades"
    static let positionStaging = "writer_positions"

    /// Creates the session-local staging tables; once per connection, before the first batch.
    static func prepare(on connection: GuardedConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TEMP TABLE IF NOT EXISTS writer_trades (LIKE trades) ON COMMIT DELETE ROWS
            """, logger: logger)
        try await connection.query("""
            CREATE TEMP TABLE IF NOT EXISTS writer_positions (LIKE positions) ON COMMIT DELETE ROWS
            """, logger: logger)
    }

    /// Writes the batch inside the caller's transaction.
    func apply(on connection: GuardedConnection, logger: Logger) async throws {
        if !trades.isEmpty {
            var rows = CopyTextEncoder(capacity: trades.count * 320)
            for trade in trades { TradeRepository.encode(trade, into: &rows) }
            try await connection.copy(rows.take(), into: Self.tradeStaging, columns: Self.tradeColumns, logger: logger)
            try await Self.upsert(into: TradeRepository.table, columns: TradeRepository.writtenColumns,
                                  TradeRepository.onConflict, from: Self.tradeStaging, on: connection, logger: logger)
        }
        if !positions.isEmpty {
            var rows = CopyTextEncoder(capacity: positions.count * 256)
            for position in positions { PositionRepository.encode(position, into: &rows) }
            try await connection.copy(rows.take(), into: Self.positionStaging, columns: Self.positionColumns, logger: logger)
            try await Self.upsert(into: PositionRepository.table, columns: PositionRepository.writtenColumns,
                                  PositionRepository.onConflict, from: Self.positionStaging, on: connection, logger: logger)
        }
        for change in others { try await change.apply(on: connection) }
    }

    /// Upserts the rows staged in `staging` (at most one per key) into `table` in one statement, as
    /// its repository's one-row upsert would one by one.
    private static func upsert(into table: String, columns: String, _ onConflict: String, from staging: String,
                               on connection: GuardedConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM \(staging)
            \(onConflict)
            """), logger: logger)
    }

    private static let tradeColumns = columnList(TradeRepository.writtenColumns)
    private static let positionColumns = columnList(PositionRepository.writtenColumns)

    private static func columnList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
