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

    /// Creates the session-local staging tables; once per connection, before the first batch.
    static func prepare(on connection: GuardedConnection, logger: Logger) async throws {
        for table in [tradesTable, positionsTable] {
            try await connection.query(PostgresQuery(unsafeSQL: table.stagingDefinition), logger: logger)
        }
    }

    /// Writes the batch inside the caller's transaction.
    func apply(on connection: GuardedConnection, logger: Logger) async throws {
        try await Self.tradesTable.write(trades, bytesPerRow: 320, encode: TradeRepository.encode, on: connection, logger: logger)
        try await Self.positionsTable.write(positions, bytesPerRow: 256, encode: PositionRepository.encode, on: connection, logger: logger)
        for change in others { try await change.apply(on: connection) }
    }

    static let tradesTable = StagedTable(table: TradeRepository.table, columns: TradeRepository.writtenColumns,
                                         onConflict: TradeRepository.onConflict)
    static let positionsTable = StagedTable(table: PositionRepository.table, columns: PositionRepository.writtenColumns,
                                            onConflict: PositionRepository.onConflict)

    /// A table written through a session-local copy of it: rows are streamed there with COPY,
    /// then upserted in one statement, as its repository's one-row upsert would one by one.
    struct StagedTable: Sendable {
        var table: String
        /// The upsert's columns, in the order the rows are encoded.
        var columns: String
        var onConflict: String

        var staging: String { "writer_\(table)" }
        var stagingDefinition: String { "CREATE TEMP TABLE IF NOT EXISTS \(staging) (LIKE \(table)) ON COMMIT DELETE ROWS" }

        /// Stages and upserts `rows` (at most one per key); nothing when there are none.
        func write<Row>(_ rows: [Row], bytesPerRow: Int, encode: (Row, inout CopyTextEncoder) -> Void,
                        on connection: GuardedConnection, logger: Logger) async throws {
            guard !rows.isEmpty else { return }
            var text = CopyTextEncoder(capacity: rows.count * bytesPerRow)
            for row in rows { encode(row, &text) }
            let columnList = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            try await connection.copy(text.take(), into: staging, columns: columnList, logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM \(staging) \(onConflict)"),
                                       logger: logger)
        }
    }
}
