-- 002 (plain PostgreSQL flavor): the seed's four time-series tables, natively range-partitioned
-- by time, with the runtime's partition maintenance.
--
-- Partitions: one per UTC day/week/month (time_partition_policies), created ahead of time by
-- runtime_maintain_partitions(), which the runtime's maintenance job runs (and this migration
-- runs once). Retention = dropping whole partitions whose upper bound is older than the policy.
--
-- Rows whose time has no partition (a replay of a 2022 recording, a clock far ahead) land in
-- each table's DEFAULT partition, so a write never fails for that. runtime_maintain_partitions()
-- later moves them into proper partitions (created on demand for their period) or, when they are
-- already older than the retention period, deletes them — retention applies by event time in
-- both flavors (TimescaleDB would drop such a chunk at its next retention run too).
--
-- Unique keys on partitioned tables must include the partition key, so the seed's
-- UNIQUE (trade_id) becomes UNIQUE (symbol, trade_id, timestamp): OKX trade ids are unique per
-- instrument and a re-delivered trade carries the same timestamp, so duplicates are still caught.
-- The same holds on TimescaleDB hypertables (unique indexes must include the time column).

CREATE TABLE time_partition_policies (
    table_name  TEXT PRIMARY KEY,
    granularity TEXT NOT NULL CHECK (granularity IN ('day', 'week', 'month')),
    retention   INTERVAL,              -- NULL keeps data forever
    premake     INTEGER NOT NULL DEFAULT 3 CHECK (premake >= 0)
);

INSERT INTO time_partition_policies (table_name, granularity, retention, premake) VALUES
    ('market_ohlcv',         'month', INTERVAL '5 years',  2),
    ('market_ticks',         'day',   INTERVAL '90 days',  3),
    ('order_book_snapshots', 'day',   INTERVAL '7 days',   3),
    ('system_metrics',       'week',  INTERVAL '180 days', 2);

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
) PARTITION BY RANGE (timestamp);
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
) PARTITION BY RANGE (timestamp);
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
) PARTITION BY RANGE (timestamp);
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
) PARTITION BY RANGE (timestamp);
CREATE INDEX idx_system_metrics_time ON system_metrics (timestamp DESC);
CREATE INDEX idx_system_metrics_name_time ON system_metrics (metric_category, metric_name, timestamp DESC);
CREATE INDEX idx_system_metrics_tags ON system_metrics USING GIN (tags);

CREATE TABLE market_ohlcv_default PARTITION OF market_ohlcv DEFAULT;
CREATE TABLE market_ticks_default PARTITION OF market_ticks DEFAULT;
CREATE TABLE order_book_snapshots_default PARTITION OF order_book_snapshots DEFAULT;
CREATE TABLE system_metrics_default PARTITION OF system_metrics DEFAULT;

-- The start of the UTC period holding ts.
CREATE FUNCTION runtime_partition_floor(ts TIMESTAMPTZ, granularity TEXT) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT date_trunc(granularity, ts, 'UTC')
$$;

CREATE FUNCTION runtime_partition_step(granularity TEXT) RETURNS INTERVAL
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE granularity WHEN 'day' THEN INTERVAL '1 day' WHEN 'week' THEN INTERVAL '7 days' ELSE INTERVAL '1 month' END
$$;

-- Makes sure the partition of parent holding ts exists, moving any rows of that period out of the
-- DEFAULT partition first (PostgreSQL refuses to create a partition whose rows sit in DEFAULT).
-- Returns the partition's name when it was created, NULL when it existed.
CREATE FUNCTION runtime_ensure_partition(parent TEXT, ts TIMESTAMPTZ) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    policy      time_partition_policies%ROWTYPE;
    lower_bound TIMESTAMPTZ;
    upper_bound TIMESTAMPTZ;
    part        TEXT;
    stash       TEXT;
BEGIN
    SELECT * INTO policy FROM time_partition_policies WHERE table_name = parent;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no partition policy for table %', parent;
    END IF;
    lower_bound := runtime_partition_floor(ts, policy.granularity);
    upper_bound := lower_bound + runtime_partition_step(policy.granularity);
    part := parent || '_p' || to_char(lower_bound AT TIME ZONE 'UTC', 'YYYYMMDD');
    IF to_regclass(part) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    -- Serialize with concurrent maintenance on the same table.
    PERFORM pg_advisory_xact_lock(hashtext('runtime_partition:' || parent));
    IF to_regclass(part) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    stash := 'runtime_partition_stash';
    EXECUTE format('CREATE TEMP TABLE %I (LIKE %I) ON COMMIT DROP', stash, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE timestamp >= %L AND timestamp < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                   parent || '_default', lower_bound, upper_bound, stash);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lower_bound, upper_bound);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', parent, stash);
    EXECUTE format('DROP TABLE %I', stash);
    RETURN part;
END
$$;

-- The maintenance job: premake partitions for the coming periods, drain the DEFAULT partitions,
-- drop partitions past retention. Idempotent; returns what it did.
CREATE FUNCTION runtime_maintain_partitions(at_time TIMESTAMPTZ DEFAULT now())
RETURNS TABLE (table_name TEXT, action TEXT, partition_name TEXT, row_count BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    policy  time_partition_policies%ROWTYPE;
    step    INTERVAL;
    cutoff  TIMESTAMPTZ;
    period  TIMESTAMPTZ;
    made    TEXT;
    child   RECORD;
    removed BIGINT;
BEGIN
    FOR policy IN SELECT * FROM time_partition_policies ORDER BY 1 LOOP
        step := runtime_partition_step(policy.granularity);
        cutoff := CASE WHEN policy.retention IS NULL THEN NULL ELSE at_time - policy.retention END;
        -- 1. Premake: the current period and `premake` periods ahead.
        FOR i IN 0..policy.premake LOOP
            made := runtime_ensure_partition(policy.table_name, runtime_partition_floor(at_time, policy.granularity) + step * i);
            IF made IS NOT NULL THEN
                table_name := policy.table_name; action := 'created'; partition_name := made; row_count := 0;
                RETURN NEXT;
            END IF;
        END LOOP;
        -- 2. Drain DEFAULT: rows past retention are deleted, the rest get their own partitions.
        IF cutoff IS NOT NULL THEN
            -- A period is expired when its end is at or before the cutoff: everything before the
            -- start of the cutoff's own period.
            EXECUTE format('DELETE FROM %I WHERE timestamp < %L', policy.table_name || '_default',
                           runtime_partition_floor(cutoff, policy.granularity));
            GET DIAGNOSTICS removed = ROW_COUNT;
            IF removed > 0 THEN
                table_name := policy.table_name; action := 'expired_default_rows'; partition_name := policy.table_name || '_default'; row_count := removed;
                RETURN NEXT;
            END IF;
        END IF;
        FOR period IN EXECUTE format('SELECT DISTINCT runtime_partition_floor(timestamp, %L) FROM %I ORDER BY 1',
                                     policy.granularity, policy.table_name || '_default') LOOP
            made := runtime_ensure_partition(policy.table_name, period);
            IF made IS NOT NULL THEN
                table_name := policy.table_name; action := 'created_for_default_rows'; partition_name := made; row_count := NULL;
                RETURN NEXT;
            END IF;
        END LOOP;
        -- 3. Retention: drop whole partitions whose upper bound is at or before the cutoff.
        IF cutoff IS NOT NULL THEN
            FOR child IN
                SELECT c.relname AS name
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                WHERE p.relname = policy.table_name AND c.relname ~ ('^' || policy.table_name || '_p[0-9]{8}$')
                ORDER BY c.relname
            LOOP
                IF (to_date(right(child.name, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') + step <= cutoff THEN
                    EXECUTE format('DROP TABLE %I', child.name);
                    table_name := policy.table_name; action := 'dropped'; partition_name := child.name; row_count := NULL;
                    RETURN NEXT;
                END IF;
            END LOOP;
        END IF;
    END LOOP;
END
$$;

SELECT count(*) FROM runtime_maintain_partitions();
