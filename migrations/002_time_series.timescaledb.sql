-- 002 (TimescaleDB flavor): the seed's four time-series tables as hypertables, with the seed's
-- compression (30d/7d/3d/14d) and retention (5y/90d/7d/180d) policies for market_ohlcv,
-- market_ticks, order_book_snapshots and system_metrics.
--
-- Columns, keys and CHECKs are identical to the plain flavor (002_time_series.postgres.sql) so
-- that Storage's queries and pre-validation hold for both. Where the seed cannot hold as written:
-- - UNIQUE (trade_id) alone is impossible on a hypertable (unique indexes must include the time
--   column): it is UNIQUE (symbol, trade_id, timestamp); a re-delivered trade has the same
--   instrument and timestamp, so duplicates are still rejected.
-- - system_metrics has no primary key (the seed's key on timestamp alone would reject two
--   metrics sampled at the same instant).
-- Rows of any time are accepted: hypertables create chunks on demand, so a replay of old data
-- or a clock far ahead never makes a write fail; the retention policy drops chunks past the
-- retention period by event time (exactly as the plain flavor's maintenance does).
-- runtime_maintain_partitions() exists here too (a no-op: TimescaleDB's jobs do that work) so
-- that the runtime's maintenance job is the same for both flavors.

CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE market_ohlcv (
    symbol       VARCHAR(50) NOT NULL,
    interval     VARCHAR(10) NOT NULL
                 CHECK (interval IN ('1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w')),
    timestamp    TIMESTAMPTZ NOT NULL,
    open         NUMERIC(38,12) NOT NULL CHECK (open > 0),
    high         NUMERIC(38,12) NOT NULL CHECK (high > 0),
    low          NUMERIC(38,12) NOT NULL CHECK (low > 0),
    close        NUMERIC(38,12) NOT NULL CHECK (close > 0),
    volume       NUMERIC(38,12) NOT NULL CHECK (volume >= 0),
    quote_volume NUMERIC(38,12) CHECK (quote_volume >= 0),
    trade_count  INTEGER CHECK (trade_count >= 0),
    vwap         NUMERIC(38,12) CHECK (vwap > 0),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, interval, timestamp),
    CONSTRAINT market_ohlcv_high_ge_open  CHECK (high >= open),
    CONSTRAINT market_ohlcv_high_ge_close CHECK (high >= close),
    CONSTRAINT market_ohlcv_high_ge_low   CHECK (high >= low),
    CONSTRAINT market_ohlcv_low_le_open   CHECK (low <= open),
    CONSTRAINT market_ohlcv_low_le_close  CHECK (low <= close)
);
CREATE INDEX idx_market_ohlcv_time ON market_ohlcv (timestamp DESC);
CREATE INDEX idx_market_ohlcv_symbol_interval_time ON market_ohlcv (symbol, interval, timestamp DESC);

CREATE TABLE market_ticks (
    symbol         VARCHAR(50) NOT NULL,
    timestamp      TIMESTAMPTZ NOT NULL,
    id             BIGSERIAL,
    trade_id       VARCHAR(64) NOT NULL,
    price          NUMERIC(38,12) NOT NULL CHECK (price > 0),
    quantity       NUMERIC(38,12) NOT NULL CHECK (quantity > 0),
    side           VARCHAR(4) NOT NULL CHECK (side IN ('buy', 'sell')),
    is_block_trade BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (symbol, timestamp, id),
    CONSTRAINT market_ticks_trade_unique UNIQUE (symbol, trade_id, timestamp)
);
CREATE INDEX idx_market_ticks_time ON market_ticks (timestamp DESC);

CREATE TABLE order_book_snapshots (
    symbol      VARCHAR(50) NOT NULL,
    timestamp   TIMESTAMPTZ NOT NULL,
    id          BIGSERIAL,
    bids        JSONB NOT NULL CHECK (jsonb_typeof(bids) = 'array'),
    asks        JSONB NOT NULL CHECK (jsonb_typeof(asks) = 'array'),
    checksum    INTEGER,
    depth_level VARCHAR(20) NOT NULL CHECK (depth_level IN ('books', 'books5', 'bbo-tbt', 'books-l2-tbt', 'books50-l2-tbt')),
    PRIMARY KEY (symbol, timestamp, id)
);
CREATE INDEX idx_order_book_snapshots_time ON order_book_snapshots (timestamp DESC);

-- The seed keys system_metrics by timestamp alone; that would reject two metrics sampled at the
-- same instant, so it has no primary key (a time-series log) and is indexed for its queries.
CREATE TABLE system_metrics (
    timestamp       TIMESTAMPTZ NOT NULL,
    metric_category VARCHAR(50)  NOT NULL,
    metric_name     VARCHAR(100) NOT NULL,
    metric_value    NUMERIC(38,12) NOT NULL,
    unit            VARCHAR(20),
    tags            JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(tags) = 'object')
);
CREATE INDEX idx_system_metrics_time ON system_metrics (timestamp DESC);
CREATE INDEX idx_system_metrics_name_time ON system_metrics (metric_category, metric_name, timestamp DESC);
CREATE INDEX idx_system_metrics_tags ON system_metrics USING GIN (tags);

SELECT create_hypertable('market_ohlcv', 'timestamp', chunk_time_interval => INTERVAL '30 days');
SELECT create_hypertable('market_ticks', 'timestamp', chunk_time_interval => INTERVAL '1 day');
SELECT create_hypertable('order_book_snapshots', 'timestamp', chunk_time_interval => INTERVAL '1 day');
SELECT create_hypertable('system_metrics', 'timestamp', chunk_time_interval => INTERVAL '7 days');

ALTER TABLE market_ohlcv SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol, interval',
                              timescaledb.compress_orderby = 'timestamp DESC');
-- Every unique key's columns are in segmentby/orderby, as compression requires on older releases.
ALTER TABLE market_ticks SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                              timescaledb.compress_orderby = 'timestamp DESC, trade_id, id DESC');
ALTER TABLE order_book_snapshots SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                                      timescaledb.compress_orderby = 'timestamp DESC, id DESC');
ALTER TABLE system_metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'metric_category, metric_name',
                                timescaledb.compress_orderby = 'timestamp DESC');

SELECT add_compression_policy('market_ohlcv', INTERVAL '30 days');
SELECT add_compression_policy('market_ticks', INTERVAL '7 days');
SELECT add_compression_policy('order_book_snapshots', INTERVAL '3 days');
SELECT add_compression_policy('system_metrics', INTERVAL '14 days');

SELECT add_retention_policy('market_ohlcv', INTERVAL '5 years');
SELECT add_retention_policy('market_ticks', INTERVAL '90 days');
SELECT add_retention_policy('order_book_snapshots', INTERVAL '7 days');
SELECT add_retention_policy('system_metrics', INTERVAL '180 days');

CREATE FUNCTION runtime_maintain_partitions(at_time TIMESTAMPTZ DEFAULT now())
RETURNS TABLE (table_name TEXT, action TEXT, partition_name TEXT, row_count BIGINT)
LANGUAGE sql AS $$
    SELECT NULL::text, NULL::text, NULL::text, NULL::bigint WHERE false
$$;
