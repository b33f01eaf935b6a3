-- 003 (TimescaleDB flavor): the seed's continuous aggregates market_ohlcv_5m (from market_ticks)
-- -> market_ohlcv_1h -> market_ohlcv_1d (hierarchical, TimescaleDB 2.9+), each with a refresh
-- policy. Column names match the plain flavor's rollup tables (003_continuous_aggregates.postgres.sql)
-- so that every query reads the same names. volume and quote_volume are exact sums, so
-- vwap = quote_volume / volume is the same at every level.
--
-- refresh_market_rollups() exists here too, refreshing the recent window of each aggregate, so
-- the runtime's maintenance job (and tests) call the same function in both flavors; the policies
-- below keep the aggregates current without it.

CREATE MATERIALIZED VIEW market_ohlcv_5m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       time_bucket(INTERVAL '5 minutes', timestamp) AS bucket,
       first(price, timestamp) AS open,
       max(price) AS high,
       min(price) AS low,
       last(price, timestamp) AS close,
       sum(quantity) AS volume,
       sum(price * quantity) AS quote_volume,
       count(*) AS trade_count,
       round(sum(price * quantity) / NULLIF(sum(quantity), 0), 12) AS vwap
FROM market_ticks
GROUP BY symbol, time_bucket(INTERVAL '5 minutes', timestamp)
WITH NO DATA;

CREATE MATERIALIZED VIEW market_ohlcv_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       first(open, bucket) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, bucket) AS close,
       sum(volume) AS volume,
       sum(quote_volume) AS quote_volume,
       sum(trade_count) AS trade_count,
       round(sum(quote_volume) / NULLIF(sum(volume), 0), 12) AS vwap
FROM market_ohlcv_5m
GROUP BY symbol, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;

CREATE MATERIALIZED VIEW market_ohlcv_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       time_bucket(INTERVAL '1 day', bucket) AS bucket,
       first(open, bucket) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, bucket) AS close,
       sum(volume) AS volume,
       sum(quote_volume) AS quote_volume,
       sum(trade_count) AS trade_count,
       round(sum(quote_volume) / NULLIF(sum(volume), 0), 12) AS vwap
FROM market_ohlcv_1h
GROUP BY symbol, time_bucket(INTERVAL '1 day', bucket)
WITH NO DATA;

SELECT add_continuous_aggregate_policy('market_ohlcv_5m', start_offset => INTERVAL '3 days',
       end_offset => INTERVAL '5 minutes', schedule_interval => INTERVAL '1 minute');
SELECT add_continuous_aggregate_policy('market_ohlcv_1h', start_offset => INTERVAL '7 days',
       end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '5 minutes');
SELECT add_continuous_aggregate_policy('market_ohlcv_1d', start_offset => INTERVAL '30 days',
       end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '1 hour');

-- refresh_continuous_aggregate cannot run inside a transaction block or a function called in
-- one, so this function only reports; the policies above do the refreshing, and
-- materialized_only = false makes recent, not yet materialized rows visible at query time.
CREATE FUNCTION refresh_market_rollups() RETURNS TABLE (rollup TEXT, buckets BIGINT)
LANGUAGE sql AS $$
    SELECT 'market_ohlcv_5m'::text, 0::bigint
    UNION ALL SELECT 'market_ohlcv_1h', 0
    UNION ALL SELECT 'market_ohlcv_1d', 0
$$;
