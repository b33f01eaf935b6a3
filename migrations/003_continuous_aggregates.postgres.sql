-- 003 (plain PostgreSQL flavor): the seed's OHLCV rollups market_ohlcv_5m (from market_ticks)
-- -> market_ohlcv_1h -> market_ohlcv_1d as ordinary tables with the same names and columns as
-- the TimescaleDB flavor's continuous aggregates, so every query reads the same names.
--
-- Incremental refresh: a statement-level trigger on market_ticks logs the (symbol, 5-minute
-- bucket) pairs each insert touched into rollup_pending, in the writer's own transaction.
-- refresh_market_rollups() (run by the maintenance job, or on demand) consumes the log entries its
-- snapshot can see and recomputes exactly those buckets from their source rows, then the hour and
-- day buckets above them. The log is the watermark: everything committed before a refresh's
-- snapshot is folded in by that refresh, anything committed later stays logged for the next one.
-- A plain "highest tick id/time seen" watermark would miss rows of transactions that commit out
-- of order and late or replayed data behind the mark; recomputing whole buckets from source makes
-- every refresh idempotent. Entries are never deduplicated on insert on purpose: an entry that an
-- in-flight writer saw as "already logged" could be consumed by a refresh that cannot see that
-- writer's rows yet.
--
-- volume and quote_volume (sum of price * quantity) are unconstrained NUMERIC and exact, so
-- vwap = quote_volume / volume (rounded to 12 decimals) is the same at every level.

CREATE TABLE market_ohlcv_5m (
    symbol       VARCHAR(50) NOT NULL,
    bucket       TIMESTAMPTZ NOT NULL,
    open         NUMERIC(38,12) NOT NULL,
    high         NUMERIC(38,12) NOT NULL,
    low          NUMERIC(38,12) NOT NULL,
    close        NUMERIC(38,12) NOT NULL,
    volume       NUMERIC NOT NULL,
    quote_volume NUMERIC NOT NULL,
    trade_count  BIGINT NOT NULL,
    vwap         NUMERIC(38,12),
    PRIMARY KEY (symbol, bucket)
);
CREATE TABLE market_ohlcv_1h (LIKE market_ohlcv_5m INCLUDING ALL);
CREATE TABLE market_ohlcv_1d (LIKE market_ohlcv_5m INCLUDING ALL);
CREATE INDEX idx_market_ohlcv_5m_bucket ON market_ohlcv_5m (bucket DESC);
CREATE INDEX idx_market_ohlcv_1h_bucket ON market_ohlcv_1h (bucket DESC);
CREATE INDEX idx_market_ohlcv_1d_bucket ON market_ohlcv_1d (bucket DESC);

CREATE TABLE rollup_pending (
    id     BIGSERIAL PRIMARY KEY,
    rollup TEXT NOT NULL,
    key    TEXT NOT NULL,
    bucket TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_rollup_pending_rollup ON rollup_pending (rollup);

-- What each rollup's last refresh did (for `runtime status` and operators).
CREATE TABLE rollup_refresh_state (
    rollup             TEXT PRIMARY KEY,
    last_refresh_at    TIMESTAMPTZ NOT NULL,
    buckets_refreshed  BIGINT NOT NULL,
    latest_bucket      TIMESTAMPTZ
);

CREATE FUNCTION market_ticks_log_rollups() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_pending (rollup, key, bucket)
    SELECT DISTINCT 'market_ohlcv_5m', symbol, date_bin(INTERVAL '5 minutes', timestamp, TIMESTAMPTZ '2000-01-01 00:00:00+00')
    FROM new_rows;
    RETURN NULL;
END
$$;

CREATE TRIGGER market_ticks_log_rollups AFTER INSERT ON market_ticks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION market_ticks_log_rollups();

-- Recomputes the logged buckets of one level from its source and logs the next level's buckets.
CREATE FUNCTION refresh_market_rollup_level(level TEXT) RETURNS BIGINT
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
                 INSERT INTO market_ohlcv_5m AS r (symbol, bucket, open, high, low, close, volume, quote_volume, trade_count, vwap)
                 SELECT symbol, bucket, open, high, low, close, volume, quote_volume, trade_count,
                        round(quote_volume / NULLIF(volume, 0), 12)
                 FROM computed
                 ON CONFLICT (symbol, bucket) DO UPDATE SET
                     open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                     volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                     trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap
                 RETURNING r.symbol, r.bucket),
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
                            (array_agg(s.open ORDER BY s.bucket))[1] AS open,
                            max(s.high) AS high, min(s.low) AS low,
                            (array_agg(s.close ORDER BY s.bucket DESC))[1] AS close,
                            sum(s.volume) AS volume, sum(s.quote_volume) AS quote_volume, sum(s.trade_count) AS trade_count
                     FROM dirty d
                     JOIN %I s ON s.symbol = d.key AND s.bucket >= d.bucket AND s.bucket < d.bucket + %L::interval
                     GROUP BY d.key, d.bucket),
                 upserted AS (
                     INSERT INTO %I AS r (symbol, bucket, open, high, low, close, volume, quote_volume, trade_count, vwap)
                     SELECT symbol, bucket, open, high, low, close, volume, quote_volume, trade_count,
                            round(quote_volume / NULLIF(volume, 0), 12)
                     FROM computed
                     ON CONFLICT (symbol, bucket) DO UPDATE SET
                         open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                         volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                         trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap
                     RETURNING r.symbol, r.bucket),
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

-- The maintenance entry point: 5m, then 1h, then 1d. Idempotent; serialized by an advisory lock.
CREATE FUNCTION refresh_market_rollups() RETURNS TABLE (rollup TEXT, buckets BIGINT)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7305150302);
    rollup := 'market_ohlcv_5m'; buckets := refresh_market_rollup_level('market_ohlcv_5m'); RETURN NEXT;
    rollup := 'market_ohlcv_1h'; buckets := refresh_market_rollup_level('market_ohlcv_1h'); RETURN NEXT;
    rollup := 'market_ohlcv_1d'; buckets := refresh_market_rollup_level('market_ohlcv_1d'); RETURN NEXT;
END
$$;
