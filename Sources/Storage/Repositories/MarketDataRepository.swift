import Foundation
import PostgresNIO
import TradingCore

/// One bar of the rollups market_ohlcv_5m / _1h / _1d.
public struct RollupBar: Sendable, Hashable {
    public var symbol: String
    public var bucket: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Quantity
    /// Sum of price * quantity, exact.
    public var quoteVolume: FixedPoint
    public var tradeCount: Int
    public var vwap: Price?
}

/// Which rollup to read.
public enum RollupLevel: String, Sendable, CaseIterable {
    case fiveMinutes = "market_ohlcv_5m"
    case oneHour = "market_ohlcv_1h"
    case oneDay = "market_ohlcv_1d"
}

/// Reads market data and writes single rows (bulk writes go through `MarketDataWriter`).
public struct MarketDataRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    static let candleColumns = """
        symbol, interval, (extract(epoch FROM timestamp) * 1000000)::int8 AS ts_us, open::text AS open, high::text AS high,
        low::text AS low, close::text AS close, volume::text AS volume, quote_volume::text AS quote_volume
        """

    /// Candles of one instrument and interval with open time in [from, to), oldest first.
    public func candles(_ instrument: InstrumentId, interval: CandleInterval, from: Timestamp, to: Timestamp) async throws(StorageError) -> [Candle] {
        let rows = try await session.rows("read candles", """
            SELECT \(unescaped: Self.candleColumns) FROM market_ohlcv
            WHERE symbol = \(instrument.symbol) AND interval = \(interval.rawValue)
              AND timestamp >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND timestamp <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            ORDER BY timestamp
            """)
        return try rows.map { row throws(StorageError) in try Self.decodeCandle(row, instrument: instrument, interval: interval) }
    }

    /// The newest candle of one instrument and interval, if any.
    public func latestCandle(_ instrument: InstrumentId, interval: CandleInterval) async throws(StorageError) -> Candle? {
        let rows = try await session.rows("read latest candle", """
            SELECT \(unescaped: Self.candleColumns) FROM market_ohlcv
            WHERE symbol = \(instrument.symbol) AND interval = \(interval.rawValue)
            ORDER BY timestamp DESC LIMIT 1
            """)
        return try rows.first.map { row throws(StorageError) in try Self.decodeCandle(row, instrument: instrument, interval: interval) }
    }

    static func decodeCandle(_ row: PostgresRow, instrument: InstrumentId, interval: CandleInterval) throws(StorageError) -> Candle {
        let t = "market_ohlcv"
        func fp(_ c: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(c, as: String.self, table: t), table: t, column: c) }
        return Candle(instrument: instrument, interval: interval, openTime: SQLValues.timestamp(micros: try row.value("ts_us", table: t)),
                      open: Price(try fp("open")), high: Price(try fp("high")), low: Price(try fp("low")), close: Price(try fp("close")),
                      volume: Quantity(try fp("volume")),
                      volumeQuote: try SQLValues.optionalFixedPoint(try row.value("quote_volume", table: t), table: t, column: "quote_volume").map(Quantity.init),
                      isConfirmed: nil)
    }

    /// Rollup bars (5m, 1h or 1d from ticks) of one symbol with bucket start in [from, to), oldest first.
    public func rollup(_ level: RollupLevel, symbol: String, from: Timestamp, to: Timestamp) async throws(StorageError) -> [RollupBar] {
        let t = level.rawValue
        let rows = try await session.rows("read \(t)", """
            SELECT symbol, (extract(epoch FROM "timestamp") * 1000000)::int8 AS bucket_us, open::text AS open, high::text AS high,
                low::text AS low, close::text AS close, volume::text AS volume, quote_volume::text AS quote_volume,
                trade_count::int8 AS trade_count, vwap::text AS vwap
            FROM \(unescaped: t)
            WHERE symbol = \(symbol)
              AND "timestamp" >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND "timestamp" <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            ORDER BY "timestamp"
            """)
        return try rows.map { row throws(StorageError) in
            func fp(_ c: String) throws(StorageError) -> FixedPoint { try SQLValues.fixedPoint(try row.value(c, as: String.self, table: t), table: t, column: c) }
            return RollupBar(symbol: try row.value("symbol", table: t), bucket: SQLValues.timestamp(micros: try row.value("bucket_us", table: t)),
                             open: Price(try fp("open")), high: Price(try fp("high")), low: Price(try fp("low")), close: Price(try fp("close")),
                             volume: Quantity(try fp("volume")), quoteVolume: try fp("quote_volume"),
                             tradeCount: Int(try row.value("trade_count", as: Int64.self, table: t)),
                             vwap: try SQLValues.optionalFixedPoint(try row.value("vwap", table: t), table: t, column: "vwap").map(Price.init))
        }
    }

    /// Ticks of one instrument in [from, to), in trade order.
    public func ticks(_ instrument: InstrumentId, from: Timestamp, to: Timestamp) async throws(StorageError) -> [TradeTick] {
        let t = "market_ticks"
        let rows = try await session.rows("read ticks", """
            SELECT trade_id, (extract(epoch FROM timestamp) * 1000000)::int8 AS ts_us, price::text AS price, quantity::text AS quantity, side
            FROM market_ticks
            WHERE symbol = \(instrument.symbol)
              AND timestamp >= TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond'
              AND timestamp <  TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
            ORDER BY timestamp, id
            """)
        return try rows.map { row throws(StorageError) in
            TradeTick(instrument: instrument, tradeId: TradeId(try row.value("trade_id", table: t)),
                      price: Price(try SQLValues.fixedPoint(try row.value("price", table: t), table: t, column: "price")),
                      quantity: Quantity(try SQLValues.fixedPoint(try row.value("quantity", table: t), table: t, column: "quantity")),
                      side: try SQLValues.enumValue(try row.value("side", table: t), table: t, column: "side"),
                      timestamp: SQLValues.timestamp(micros: try row.value("ts_us", table: t)))
        }
    }

    /// Writes one tick with a single INSERT (duplicates ignored); returns whether it was new.
    /// For bulk writing use `MarketDataWriter`, which is many times faster.
    @discardableResult
    public func insertTick(_ tick: TradeTick, isBlockTrade: Bool = false) async throws(StorageError) -> Bool {
        try MarketDataRow.tick(tick, isBlockTrade: isBlockTrade).validate()
        let rows = try await session.rows("insert tick", """
            INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side, is_block_trade)
            VALUES (\(tick.instrument.symbol), TIMESTAMPTZ 'epoch' + \(SQLValues.micros(tick.timestamp)) * INTERVAL '1 microsecond',
                    \(tick.tradeId.rawValue), \(tick.price.description)::numeric, \(tick.quantity.description)::numeric,
                    \(tick.side.rawValue), \(isBlockTrade))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        return !rows.isEmpty
    }

    /// Writes or replaces one candle.
    public func upsertCandle(_ candle: Candle, tradeCount: Int? = nil, vwap: Price? = nil) async throws(StorageError) {
        try MarketDataRow.validate(candle)
        try await session.execute("upsert candle", """
            INSERT INTO market_ohlcv (symbol, interval, timestamp, open, high, low, close, volume, quote_volume, trade_count, vwap)
            VALUES (\(candle.instrument.symbol), \(candle.interval.rawValue),
                    TIMESTAMPTZ 'epoch' + \(SQLValues.micros(candle.openTime)) * INTERVAL '1 microsecond',
                    \(candle.open.description)::numeric, \(candle.high.description)::numeric, \(candle.low.description)::numeric,
                    \(candle.close.description)::numeric, \(candle.volume.description)::numeric, \(candle.volumeQuote?.description)::numeric,
                    \(tradeCount), \(vwap?.description)::numeric)
            ON CONFLICT (symbol, interval, timestamp) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
                close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap
            """)
    }
}

/// The maintenance job's work: partitions (premake, drain DEFAULT, retention) and rollups.
/// The same calls work on both flavors (on TimescaleDB its own jobs do most of it).
public struct StorageMaintenance: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// One partition action taken.
    public struct PartitionAction: Sendable, Hashable {
        public var table: String
        public var action: String
        public var partition: String
        public var rows: Int64?
    }

    /// Creates partitions ahead, moves DEFAULT-partition rows into their own partitions (or
    /// deletes them when past retention) and drops partitions past retention, as of `now`.
    @discardableResult
    public func maintainPartitions(now: Timestamp? = nil) async throws(StorageError) -> [PartitionAction] {
        let rows = try await session.rows("maintain partitions", """
            SELECT table_name, action, partition_name, row_count FROM runtime_maintain_partitions(
                coalesce(TIMESTAMPTZ 'epoch' + \(now.map(SQLValues.micros)) * INTERVAL '1 microsecond', now()))
            """)
        return try rows.map { row throws(StorageError) in
            PartitionAction(table: try row.value("table_name", table: "partitions"), action: try row.value("action", table: "partitions"),
                            partition: try row.value("partition_name", table: "partitions"), rows: try row.value("row_count", table: "partitions"))
        }
    }

    /// Folds newly written ticks into market_ohlcv_5m/1h/1d and trades into
    /// strategy_performance_daily; returns buckets refreshed per rollup.
    @discardableResult
    public func refreshRollups() async throws(StorageError) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in try await session.rows("refresh market rollups", "SELECT rollup, buckets FROM refresh_market_rollups()") {
            result[try row.value("rollup", as: String.self, table: "rollups")] = try row.value("buckets", as: Int64.self, table: "rollups")
        }
        result["strategy_performance_daily"] = try await PerformanceRepository(session).refreshDailyRollup()
        return result
    }

    /// The flavor recorded by the migrator.
    public func flavor() async throws(StorageError) -> SchemaFlavor? {
        let rows = try await session.rows("read flavor", "SELECT flavor FROM schema_migrations ORDER BY version LIMIT 1")
        return try rows.first.map { row throws(StorageError) in try SQLValues.enumValue(try row.value("flavor", table: "schema_migrations"), table: "schema_migrations", column: "flavor") }
    }
}
