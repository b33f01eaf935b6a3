-- 010 (plain PostgreSQL flavor): the OHLCV rollups' time column is "timestamp", as in
-- market_ohlcv and the seed's queries ("ORDER BY timestamp"); 003 named it bucket. The refresh
-- function is redefined with the new name; rollup_pending keeps its own column named bucket.
ALTER TABLE market_ohlcv_5m RENAME COLUMN bucket TO "timestamp";
ALTER TABLE market_ohlcv_1h RENAME COLUMN bucket TO "timestamp";
ALTER TABLE market_ohlcv_1d RENAME COLUMN bucket TO "timestamp";
ALTER INDEX idx_market_ohlcv_5m_bucket RENAME TO idx_market_ohlcv_5m_timestamp;
ALTER INDEX idx_market_ohlcv_1h_bucket RENAME TO idx_market_ohlcv_1h_timestamp;
ALTER INDEX idx_market_ohlcv_1d_bucket RENAME TO idx_market_ohlcv_1d_timestamp;

-- Recomputes the logged buckets of one level from its source and logs the next level's buckets.
CREATE OR REPLACE FUNCTION refresh_market_rollup_level(level TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    refreshed BIGINT;
    newest    TIMESTAMPTZ;
BEGIN
    IF level = 'market_ohlcv_5m' THEN
        WITH consumed AS (DELETE FROM rollup_pending WHERE rollup = level RETURNING key, bucket),
             dirty AS (SELECT DISTINCT key, bucket FROM consumed),
             computed AS (
                 SELECT d.key AS symbol, d.bucket,
                        (array_agg(t.price ORDER BY t.timestamp, t.id))[1] AS open,
                        max(t.price) AS high, min(t.price) AS low,
                        (array_agg(t.price ORDER BY t.timestamp DESC, t.id DESC))[1] AS close,
                        sum(t.quantity) AS volume, sum(t.price * t.quantity) AS quote_volume, count(*) AS trade_count
                 FROM dirty d
                 JOIN market_ticks t ON t.symbol = d.key AND t.timestamp >= d.bucket AND t.timestamp < d.bucket + INTERVAL '5 minutes'
                 GROUP BY d.key, d.bucket),
             upserted AS (
                 INSERT INTO market_ohlcv_5m AS r (symbol, "timestamp", open, high, low, close, volume, quote_volume, trade_count, vwap)
                 SELECT symbol, bucket, open, high, low, close, volume, quote_volume, trade_count,
                        round(quote_volume / NULLIF(volume, 0), 12)
                 FROM computed
                 ON CONFLICT (symbol, "timestamp") DO UPDATE SET
                     open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                     volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                     trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap
                 RETURNING r.symbol, r."timestamp" AS bucket),
             logged AS (
                 INSERT INTO rollup_pending (rollup, key, bucket)
                 SELECT DISTINCT 'market_ohlcv_1h', symbol, date_trunc('hour', bucket, 'UTC') FROM upserted
                 RETURNING 1)
        SELECT count(*), max(bucket) INTO refreshed, newest FROM upserted;
    ELSE
        -- 1h from 5m, 1d from 1h: same shape, different widths.
        EXECUTE format($q$
            WITH consumed AS (DELETE FROM rollup_pending WHERE rollup = %L RETURNING key, bucket),
                 dirty AS (SELECT DISTINCT key, bucket FROM consumed),
                 computed AS (
                     SELECT d.key AS symbol, d.bucket,
                            (array_agg(s.open ORDER BY s."timestamp"))[1] AS open,
                            max(s.high) AS high, min(s.low) AS low,
                            (array_agg(s.close ORDER BY s."timestamp" DESC))[1] AS close,
                            sum(s.volume) AS volume, sum(s.quote_volume) AS quote_volume, sum(s.trade_count) AS trade_count
                     FROM dirty d
                     JOIN %I s ON s.symbol = d.key AND s."timestamp" >= d.bucket AND s."timestamp" < d.bucket + %L::interval
                     GROUP BY d.key, d.bucket),
                 upserted AS (
                     INSERT INTO %I AS r (symbol, "timestamp", open, high, low, close, volume, quote_volume, trade_count, vwap)
                     SELECT symbol, bucket, open, high, low, close, volume, quote_volume, trade_count,
                            round(quote_volume / NULLIF(volume, 0), 12)
                     FROM computed
                     ON CONFLICT (symbol, "timestamp") DO UPDATE SET
                         open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                         volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                         trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap
                     RETURNING r.symbol, r."timestamp" AS bucket),
                 logged AS (
                     INSERT INTO rollup_pending (rollup, key, bucket)
                     SELECT DISTINCT %L, symbol, date_trunc('day', bucket, 'UTC') FROM upserted WHERE %L IS NOT NULL
                     RETURNING 1)
            SELECT count(*), max(bucket) FROM upserted
            $q$,
            level,
            CASE level WHEN 'market_ohlcv_1h' THEN 'market_ohlcv_5m' ELSE 'market_ohlcv_1h' END,
            CASE level WHEN 'market_ohlcv_1h' THEN '1 hour' ELSE '1 day' END,
            level,
            CASE level WHEN 'market_ohlcv_1h' THEN 'market_ohlcv_1d' ELSE NULL END,
            CASE level WHEN 'market_ohlcv_1h' THEN 'market_ohlcv_1d' ELSE NULL END)
        INTO refreshed, newest;
    END IF;
    INSERT INTO rollup_refresh_state AS s (rollup, last_refresh_at, buckets_refreshed, latest_bucket)
    VALUES (level, now(), refreshed, newest)
    ON CONFLICT (rollup) DO UPDATE SET last_refresh_at = EXCLUDED.last_refresh_at,
        buckets_refreshed = EXCLUDED.buckets_refreshed,
        latest_bucket = greatest(s.latest_bucket, EXCLUDED.latest_bucket);
    RETURN refreshed;
END
$$;

