import Foundation
import PostgresNIO
import TradingCore

/// One row of `trades`: an order and what became of it.
public struct TradeRecord: Sendable, Hashable {
    public var id: UUID
    public var venueOrderId: VenueOrderId?
    public var clientOrderId: ClientOrderId
    public var strategyId: UUID
    public var instrument: InstrumentId
    public var side: Side
    public var orderType: OrderType
    public var positionSide: PositionSide?
    public var quantity: Quantity
    /// The limit price; nil for market orders.
    public var price: Price?
    public var avgFillPrice: Price?
    public var filledQuantity: Quantity
    /// Fees paid, as a positive amount (a maker rebate is negative).
    public var commission: Money
    public var commissionAsset: String?
    public var realizedPnl: Money?
    public var slippageBps: Int?
    public var status: OrderStatus
    public var rejectReason: String?
    public var createdAt: Timestamp
    public var submittedAt: Timestamp?
    public var firstFillAt: Timestamp?
    public var completedAt: Timestamp?
    public var latencyMs: Int?
    public var totalLatencyMs: Int?
    /// live, paper or replay: never mistake one for another.
    public var mode: TradingMode
    /// How the order was filled, e.g. `fill_model=candles` (migration 014); nil when nothing to say.
    public var notes: String?

    public init(id: UUID = UUID(), venueOrderId: VenueOrderId? = nil, clientOrderId: ClientOrderId, strategyId: UUID,
                instrument: InstrumentId, side: Side, orderType: OrderType, positionSide: PositionSide? = nil,
                quantity: Quantity, price: Price?, avgFillPrice: Price? = nil, filledQuantity: Quantity = .zero,
                commission: Money = .zero, commissionAsset: String? = nil, realizedPnl: Money? = nil, slippageBps: Int? = nil,
                status: OrderStatus, rejectReason: String? = nil, createdAt: Timestamp, submittedAt: Timestamp? = nil,
                firstFillAt: Timestamp? = nil, completedAt: Timestamp? = nil, latencyMs: Int? = nil, totalLatencyMs: Int? = nil,
                mode: TradingMode, notes: String? = nil) {
        self.id = id; self.venueOrderId = venueOrderId; self.clientOrderId = clientOrderId; self.strategyId = strategyId
        self.instrument = instrument; self.side = side; self.orderType = orderType; self.positionSide = positionSide
        self.quantity = quantity; self.price = price; self.avgFillPrice = avgFillPrice; self.filledQuantity = filledQuantity
        self.commission = commission; self.commissionAsset = commissionAsset; self.realizedPnl = realizedPnl
        self.slippageBps = slippageBps; self.status = status; self.rejectReason = rejectReason; self.createdAt = createdAt
        self.submittedAt = submittedAt; self.firstFillAt = firstFillAt; self.completedAt = completedAt
        self.latencyMs = latencyMs; self.totalLatencyMs = totalLatencyMs; self.mode = mode; self.notes = notes
    }

    /// Refuses what the trades table's constraints would refuse, naming the field and why.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "trades")
        try check.length(venueOrderId?.rawValue, "okx_order_id", max: 100)
        try check.length(clientOrderId.rawValue, "client_order_id", max: 100)
        try check.length(instrument.symbol, "symbol", max: 50)
        try check.positive(quantity.value, "quantity")
        try check.positive(price?.value, "price")
        try check.positive(avgFillPrice?.value, "avg_fill_price")
        try check.nonNegative(filledQuantity.value, "filled_quantity")
        try check.fits(commission.value, "commission")
        try check.fits(realizedPnl?.value, "realized_pnl")
        try check.length(commissionAsset, "commission_asset", max: 20)
        try check.nonNegative(latencyMs, "latency_ms")
        try check.nonNegative(totalLatencyMs, "total_latency_ms")
        try check.length(notes, "notes", max: 1000)
        if filledQuantity > quantity { throw check.fail("filled_quantity", "(\(filledQuantity)) must not exceed quantity (\(quantity))") }
        if orderType != .market && price == nil { throw check.fail("price", "is required for a \(orderType.rawValue) order") }
        if status == .rejected && rejectReason == nil { throw check.fail("reject_reason", "is required when status is rejected") }
    }
}

/// Reads and writes `trades`.
public struct TradeRepository: Sendable {
    let session: any DatabaseSession
    static let table = "trades"

    /// SQL for the commission of the `trades` row aliased `row` in its quote currency: a fee in
    /// the base currency (a spot buy's) valued at the average fill price, rounded at 12 decimals
    /// as the engine rounds it (and as migration 008's daily rollup does).
    static func commissionInQuote(_ row: String) -> String {
        "CASE WHEN \(row).commission_asset = split_part(\(row).symbol, '-', 1) "
            + "THEN round(\(row).commission * \(row).avg_fill_price, 12) ELSE \(row).commission END"
    }

    public init(_ session: any DatabaseSession) { self.session = session }

    /// The columns an upsert writes, in the order ``encode(_:into:)`` writes them.
    static let writtenColumns = ColumnArrays.Columns([
        "id": .uuid, "okx_order_id": .text, "client_order_id": .text, "strategy_id": .uuid, "symbol": .text, "side": .text,
        "order_type": .text, "position_side": .text, "quantity": .numeric, "price": .numeric, "avg_fill_price": .numeric,
        "filled_quantity": .numeric, "commission": .numeric, "commission_asset": .text, "realized_pnl": .numeric,
        "slippage_bps": .int8, "status": .text, "reject_reason": .text, "created_at": .timestamptz, "submitted_at": .timestamptz,
        "first_fill_at": .timestamptz, "completed_at": .timestamptz, "latency_ms": .int8, "total_latency_ms": .int8,
        "mode": .text, "notes": .text,
    ])

    /// What an upsert changes on an order's existing row: its state, never its id, strategy,
    /// instrument, size or creation time; notes once written stay unless new ones come.
    static let onConflict = """
        ON CONFLICT (client_order_id) DO UPDATE SET
            okx_order_id = EXCLUDED.okx_order_id, avg_fill_price = EXCLUDED.avg_fill_price,
            filled_quantity = EXCLUDED.filled_quantity, commission = EXCLUDED.commission,
            commission_asset = EXCLUDED.commission_asset, realized_pnl = EXCLUDED.realized_pnl,
            slippage_bps = EXCLUDED.slippage_bps, status = EXCLUDED.status, reject_reason = EXCLUDED.reject_reason,
            submitted_at = EXCLUDED.submitted_at, first_fill_at = EXCLUDED.first_fill_at,
            completed_at = EXCLUDED.completed_at, latency_ms = EXCLUDED.latency_ms,
            total_latency_ms = EXCLUDED.total_latency_ms, notes = coalesce(EXCLUDED.notes, trades.notes)
        """

    /// Inserts the trade, or updates the one with the same client_order_id (its status, fills,
    /// fees, times), keeping its id. Validated first.
    public func upsert(_ trade: TradeRecord) async throws(StorageError) {
        try trade.validate()
        let query: PostgresQuery = """
            INSERT INTO trades (\(unescaped: Self.writtenColumns.list))
            VALUES (\(trade.id), \(trade.venueOrderId?.rawValue), \(trade.clientOrderId.rawValue), \(trade.strategyId),
                \(trade.instrument.symbol), \(trade.side.rawValue), \(trade.orderType.rawValue), \(trade.positionSide?.rawValue),
                \(trade.quantity.description)::numeric, \(trade.price?.description)::numeric, \(trade.avgFillPrice?.description)::numeric,
                \(trade.filledQuantity.description)::numeric, \(trade.commission.description)::numeric, \(trade.commissionAsset),
                \(trade.realizedPnl?.description)::numeric, \(trade.slippageBps), \(trade.status.rawValue), \(trade.rejectReason),
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(trade.createdAt)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(trade.submittedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(trade.firstFillAt.map(SQLValues.micros)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(trade.completedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond',
                \(trade.latencyMs), \(trade.totalLatencyMs), \(trade.mode.rawValue), \(trade.notes))
            \(unescaped: Self.onConflict)
            """
        try await session.execute("upsert trade \(trade.clientOrderId)", query)
    }

    /// The trade as one row of ``writtenColumns``.
    static func encode(_ trade: TradeRecord, into row: inout ColumnArrays) {
        row.uuid(trade.id); row.text(trade.venueOrderId?.rawValue); row.text(trade.clientOrderId.rawValue)
        row.uuid(trade.strategyId); row.text(trade.instrument.symbol); row.text(trade.side.rawValue)
        row.text(trade.orderType.rawValue); row.text(trade.positionSide?.rawValue)
        row.fixedPoint(trade.quantity.value); row.fixedPoint(trade.price?.value); row.fixedPoint(trade.avgFillPrice?.value)
        row.fixedPoint(trade.filledQuantity.value); row.fixedPoint(trade.commission.value); row.text(trade.commissionAsset)
        row.fixedPoint(trade.realizedPnl?.value); row.integer(trade.slippageBps); row.text(trade.status.rawValue)
        row.text(trade.rejectReason); row.timestamp(trade.createdAt); row.timestamp(trade.submittedAt)
        row.timestamp(trade.firstFillAt); row.timestamp(trade.completedAt); row.integer(trade.latencyMs)
        row.integer(trade.totalLatencyMs); row.text(trade.mode.rawValue); row.text(trade.notes)
        row.endRow()
    }

    static let columns = """
        id, okx_order_id, client_order_id, strategy_id, symbol, side, order_type, position_side, quantity::text AS quantity,
        price::text AS price, avg_fill_price::text AS avg_fill_price, filled_quantity::text AS filled_quantity,
        commission::text AS commission, commission_asset, realized_pnl::text AS realized_pnl, slippage_bps, status, reject_reason,
        (extract(epoch FROM created_at) * 1000000)::int8 AS created_us, (extract(epoch FROM submitted_at) * 1000000)::int8 AS submitted_us,
        (extract(epoch FROM first_fill_at) * 1000000)::int8 AS first_fill_us, (extract(epoch FROM completed_at) * 1000000)::int8 AS completed_us,
        latency_ms, total_latency_ms, mode, notes
        """

    /// Trades with any of `statuses` (all when empty) created in [from, to), oldest first,
    /// optionally only one mode or strategy.
    public func trades(statuses: [OrderStatus] = [], from: Timestamp, to: Timestamp, mode: TradingMode? = nil,
                       strategyId: UUID? = nil, limit: Int = 10_000) async throws(StorageError) -> [TradeRecord] {
        let statusNames = statuses.map(\.rawValue)
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM trades
            WHERE (cardinality(\(statusNames)::text[]) = 0 OR status = ANY(\(statusNames)::text[]))
              AND created_at >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND created_at <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
              AND (\(mode?.rawValue)::text IS NULL OR mode = \(mode?.rawValue))
              AND (\(strategyId)::uuid IS NULL OR strategy_id = \(strategyId))
            ORDER BY created_at, client_order_id
            LIMIT \(limit)
            """
        return try await session.rows("read trades", query).map { row throws(StorageError) in try Self.decode(row) }
    }

    /// The orders of one mode that completed in [from, to) with some size filled (filled, or
    /// partly filled and then canceled), in completion order: the trades a daily rollup counts.
    public func completedTrades(mode: TradingMode, completedFrom from: Timestamp, to: Timestamp) async throws(StorageError) -> [TradeRecord] {
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM trades
            WHERE mode = \(mode.rawValue) AND filled_quantity > 0
              AND completed_at >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND completed_at <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            ORDER BY completed_at, client_order_id
            """
        return try await session.rows("read completed trades", query).map { row throws(StorageError) in try Self.decode(row) }
    }

    /// The trade with this client order id, if any.
    public func trade(clientOrderId: ClientOrderId) async throws(StorageError) -> TradeRecord? {
        let query: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM trades WHERE client_order_id = \(clientOrderId.rawValue)"
        return try await session.rows("read trade", query).first.map { row throws(StorageError) in try Self.decode(row) }
    }

    static func decode(_ row: PostgresRow) throws(StorageError) -> TradeRecord {
        let t = table
        func fp(_ column: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(column, as: String.self, table: t), table: t, column: column) }
        func ofp(_ column: String) throws(StorageError) -> FixedPoint? { try SQLValues.optionalFixedPoint(try row.value(column, as: String?.self, table: t), table: t, column: column) }
        func ts(_ column: String) throws(StorageError) -> Timestamp? { try row.value(column, as: Int64?.self, table: t).map(SQLValues.timestamp(micros:)) }
        let symbol: String = try row.value("symbol", table: t)
        let instrument: InstrumentId
        do { instrument = try InstrumentId(parsing: symbol) } catch { throw .decoding(table: t, column: "symbol", value: symbol, reason: "\(error)") }
        return TradeRecord(
            id: try row.value("id", table: t),
            venueOrderId: try row.value("okx_order_id", as: String?.self, table: t).map(VenueOrderId.init),
            clientOrderId: ClientOrderId(try row.value("client_order_id", table: t)),
            strategyId: try row.value("strategy_id", table: t),
            instrument: instrument,
            side: try SQLValues.enumValue(try row.value("side", table: t), table: t, column: "side"),
            orderType: try SQLValues.enumValue(try row.value("order_type", table: t), table: t, column: "order_type"),
            positionSide: try row.value("position_side", as: String?.self, table: t).map { text throws(StorageError) in try SQLValues.enumValue(text, table: t, column: "position_side") },
            quantity: Quantity(try fp("quantity")),
            price: try ofp("price").map(Price.init),
            avgFillPrice: try ofp("avg_fill_price").map(Price.init),
            filledQuantity: Quantity(try fp("filled_quantity")),
            commission: Money(try fp("commission")),
            commissionAsset: try row.value("commission_asset", table: t),
            realizedPnl: try ofp("realized_pnl").map(Money.init),
            slippageBps: try row.value("slippage_bps", as: Int?.self, table: t),
            status: try SQLValues.enumValue(try row.value("status", table: t), table: t, column: "status"),
            rejectReason: try row.value("reject_reason", table: t),
            createdAt: try ts("created_us") ?? Timestamp(nanosecondsSinceEpoch: 0),
            submittedAt: try ts("submitted_us"), firstFillAt: try ts("first_fill_us"), completedAt: try ts("completed_us"),
            latencyMs: try row.value("latency_ms", as: Int?.self, table: t),
            totalLatencyMs: try row.value("total_latency_ms", as: Int?.self, table: t),
            mode: try SQLValues.enumValue(try row.value("mode", table: t), table: t, column: "mode"),
            notes: try row.value("notes", table: t))
    }
}

/// The fees one strategy paid on one instrument in one commission asset, summed over its filled
/// orders: what a restarted host needs to give its positions back their fees.
public struct CommissionTotal: Sendable, Hashable {
    public var strategyId: UUID
    public var instrument: InstrumentId
    /// The asset the fees were charged in (trades.commission_asset).
    public var asset: String
    /// The sum of trades.commission, in ``asset``.
    public var commission: Money
    /// The sum of each order's commission × its average fill price, each product rounded half away
    /// from zero at 12 decimals: a base-currency fee valued in the quote currency at the price it
    /// was paid at (as the portfolio values it).
    public var valuedAtFillPrice: Money

    public init(strategyId: UUID, instrument: InstrumentId, asset: String, commission: Money, valuedAtFillPrice: Money) {
        self.strategyId = strategyId; self.instrument = instrument; self.asset = asset
        self.commission = commission; self.valuedAtFillPrice = valuedAtFillPrice
    }
}

extension TradeRepository {
    /// Fees of the filled orders of one mode, per strategy, instrument and commission asset,
    /// ordered by those three.
    public func commissionTotals(mode: TradingMode) async throws(StorageError) -> [CommissionTotal] {
        let query: PostgresQuery = """
            SELECT strategy_id, symbol, commission_asset, sum(commission)::text AS commission,
                sum(round(commission * avg_fill_price, 12))::text AS valued
            FROM trades
            WHERE mode = \(mode.rawValue) AND filled_quantity > 0 AND commission_asset IS NOT NULL AND avg_fill_price IS NOT NULL
            GROUP BY strategy_id, symbol, commission_asset
            ORDER BY strategy_id, symbol, commission_asset
            """
        let t = Self.table
        return try await session.rows("read commission totals", query).map { row throws(StorageError) in
            func fp(_ column: String) throws(StorageError) -> FixedPoint {
                try SQLValues.fixedPoint(try row.value(column, as: String.self, table: t), table: t, column: column)
            }
            let symbol: String = try row.value("symbol", table: t)
            let instrument: InstrumentId
            do { instrument = try InstrumentId(parsing: symbol) } catch { throw .decoding(table: t, column: "symbol", value: symbol, reason: "\(error)") }
            return CommissionTotal(strategyId: try row.value("strategy_id", table: t), instrument: instrument,
                                   asset: try row.value("commission_asset", table: t), commission: Money(try fp("commission")),
                                   valuedAtFillPrice: Money(try fp("valued")))
        }
    }
}
