import Foundation
import PostgresNIO
import TradingCore

/// One row of `positions`: a strategy's holding in one instrument, side and mode.
public struct PositionRecord: Sendable, Hashable {
    public var id: UUID
    public var strategyId: UUID
    public var instrument: InstrumentId
    public var side: PositionSide
    public var quantity: Quantity
    /// Must stay > 0 also when the position is flat (keep the last entry price).
    public var avgEntryPrice: Price
    public var currentPrice: Price?
    public var unrealizedPnl: Money
    public var realizedPnl: Money
    public var margin: Money?
    public var leverage: FixedPoint?
    public var liquidationPrice: Price?
    public var openedAt: Timestamp
    public var lastUpdated: Timestamp
    public var mode: TradingMode

    public init(id: UUID = UUID(), strategyId: UUID, instrument: InstrumentId, side: PositionSide, quantity: Quantity,
                avgEntryPrice: Price, currentPrice: Price? = nil, unrealizedPnl: Money = .zero, realizedPnl: Money = .zero,
                margin: Money? = nil, leverage: FixedPoint? = nil, liquidationPrice: Price? = nil,
                openedAt: Timestamp, lastUpdated: Timestamp, mode: TradingMode) {
        self.id = id; self.strategyId = strategyId; self.instrument = instrument; self.side = side; self.quantity = quantity
        self.avgEntryPrice = avgEntryPrice; self.currentPrice = currentPrice; self.unrealizedPnl = unrealizedPnl
        self.realizedPnl = realizedPnl; self.margin = margin; self.leverage = leverage; self.liquidationPrice = liquidationPrice
        self.openedAt = openedAt; self.lastUpdated = lastUpdated; self.mode = mode
    }

    /// Refuses what the positions table's constraints would refuse, naming the field and why.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "positions")
        try check.length(instrument.symbol, "symbol", max: 50)
        try check.nonNegative(quantity.value, "quantity")
        try check.positive(avgEntryPrice.value, "avg_entry_price")
        try check.positive(currentPrice?.value, "current_price")
        try check.fits(unrealizedPnl.value, "unrealized_pnl")
        try check.fits(realizedPnl.value, "realized_pnl")
        try check.nonNegative(margin?.value, "margin")
        try check.positive(leverage, "leverage")
        if let leverage, leverage > FixedPoint(125) { throw check.fail("leverage", "must be <= 125, got \(leverage)") }
        try check.nonNegative(liquidationPrice?.value, "liquidation_price")
    }
}

/// Reads and writes `positions`.
public struct PositionRepository: Sendable {
    let session: any DatabaseSession
    static let table = "positions"

    public init(_ session: any DatabaseSession) { self.session = session }

    /// The columns an upsert writes, in the order ``encode(_:into:)`` writes them.
    static let writtenColumns = ColumnArrays.Columns([
        "id": .uuid, "strategy_id": .uuid, "symbol": .text, "side": .text, "quantity": .numeric, "avg_entry_price": .numeric,
        "current_price": .numeric, "unrealized_pnl": .numeric, "realized_pnl": .numeric, "margin": .numeric, "leverage": .numeric,
        "liquidation_price": .numeric, "opened_at": .timestamptz, "last_updated": .timestamptz, "mode": .text,
    ])

    /// What an upsert changes on an existing position: everything but its id and key.
    static let onConflict = """
        ON CONFLICT (strategy_id, symbol, side, mode) DO UPDATE SET
            quantity = EXCLUDED.quantity, avg_entry_price = EXCLUDED.avg_entry_price,
            current_price = EXCLUDED.current_price, unrealized_pnl = EXCLUDED.unrealized_pnl,
            realized_pnl = EXCLUDED.realized_pnl, margin = EXCLUDED.margin, leverage = EXCLUDED.leverage,
            liquidation_price = EXCLUDED.liquidation_price, opened_at = EXCLUDED.opened_at,
            last_updated = EXCLUDED.last_updated
        """

    /// Inserts or updates the position of (strategy, instrument, side, mode). Validated first.
    public func upsert(_ position: PositionRecord) async throws(StorageError) {
        try position.validate()
        let query: PostgresQuery = """
            INSERT INTO positions (\(unescaped: Self.writtenColumns.list))
            VALUES (\(position.id), \(position.strategyId), \(position.instrument.symbol), \(position.side.rawValue),
                \(position.quantity.description)::numeric, \(position.avgEntryPrice.description)::numeric,
                \(position.currentPrice?.description)::numeric, \(position.unrealizedPnl.description)::numeric,
                \(position.realizedPnl.description)::numeric, \(position.margin?.description)::numeric,
                \(position.leverage?.description)::numeric, \(position.liquidationPrice?.description)::numeric,
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(position.openedAt)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(position.lastUpdated)) * INTERVAL '1 microsecond',
                \(position.mode.rawValue))
            \(unescaped: Self.onConflict)
            """
        try await session.execute("upsert position \(position.instrument.symbol)", query)
    }

    /// The position as one row of ``writtenColumns``.
    static func encode(_ position: PositionRecord, into row: inout ColumnArrays) {
        row.uuid(position.id); row.uuid(position.strategyId); row.text(position.instrument.symbol)
        row.text(position.side.rawValue); row.fixedPoint(position.quantity.value); row.fixedPoint(position.avgEntryPrice.value)
        row.fixedPoint(position.currentPrice?.value); row.fixedPoint(position.unrealizedPnl.value)
        row.fixedPoint(position.realizedPnl.value); row.fixedPoint(position.margin?.value); row.fixedPoint(position.leverage)
        row.fixedPoint(position.liquidationPrice?.value); row.timestamp(position.openedAt); row.timestamp(position.lastUpdated)
        row.text(position.mode.rawValue)
        row.endRow()
    }

    /// Positions, optionally of one strategy and/or mode, by strategy and symbol.
    public func positions(strategyId: UUID? = nil, mode: TradingMode? = nil) async throws(StorageError) -> [PositionRecord] {
        let query: PostgresQuery = """
            SELECT id, strategy_id, symbol, side, quantity::text AS quantity, avg_entry_price::text AS avg_entry_price,
                current_price::text AS current_price, unrealized_pnl::text AS unrealized_pnl, realized_pnl::text AS realized_pnl,
                margin::text AS margin, leverage::text AS leverage, liquidation_price::text AS liquidation_price,
                (extract(epoch FROM opened_at) * 1000000)::int8 AS opened_us, (extract(epoch FROM last_updated) * 1000000)::int8 AS updated_us, mode
            FROM positions
            WHERE (\(strategyId)::uuid IS NULL OR strategy_id = \(strategyId)) AND (\(mode?.rawValue)::text IS NULL OR mode = \(mode?.rawValue))
            ORDER BY strategy_id, symbol, side
            """
        let t = Self.table
        return try await session.rows("read positions", query).map { row throws(StorageError) in
            func fp(_ column: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(column, as: String.self, table: t), table: t, column: column) }
            func ofp(_ column: String) throws(StorageError) -> FixedPoint? { try SQLValues.optionalFixedPoint(try row.value(column, as: String?.self, table: t), table: t, column: column) }
            let symbol: String = try row.value("symbol", table: t)
            let instrument: InstrumentId
            do { instrument = try InstrumentId(parsing: symbol) } catch { throw .decoding(table: t, column: "symbol", value: symbol, reason: "\(error)") }
            return PositionRecord(
                id: try row.value("id", table: t), strategyId: try row.value("strategy_id", table: t), instrument: instrument,
                side: try SQLValues.enumValue(try row.value("side", table: t), table: t, column: "side"),
                quantity: Quantity(try fp("quantity")), avgEntryPrice: Price(try fp("avg_entry_price")),
                currentPrice: try ofp("current_price").map(Price.init), unrealizedPnl: Money(try fp("unrealized_pnl")),
                realizedPnl: Money(try fp("realized_pnl")), margin: try ofp("margin").map(Money.init), leverage: try ofp("leverage"),
                liquidationPrice: try ofp("liquidation_price").map(Price.init),
                openedAt: SQLValues.timestamp(micros: try row.value("opened_us", table: t)),
                lastUpdated: SQLValues.timestamp(micros: try row.value("updated_us", table: t)),
                mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"))
        }
    }
}
