-- 004 (every flavor): additions beyond the seed's schema, kept out of 001-003 so those stay the
-- seed's design.
--
-- 1. Trading mode. This runtime trades live, on the paper venue, and in deterministic replays
--    of recorded data, all into the same tables. A paper or replay row must never be mistaken for
--    a live one (issue 8), so trades, positions, daily performance and risk events carry their
--    mode. It has no default on purpose: every writer must say which mode it is in.
-- 2. hosts: one row per host process run, with the heartbeat and feed health that
--    `runtime status` shows (issue 9); a host whose heartbeat is stale shows as down.
-- 3. strategy_performance_daily: the seed's daily rollup of filled trades. On TimescaleDB it
--    cannot be a continuous aggregate as the seed has it (continuous aggregates need a hypertable
--    source, and trades is an ordinary table keyed by UUID with unique order ids), so in both
--    flavors it is an ordinary table kept current from a change log, like the plain flavor's
--    OHLCV rollups (see 003_continuous_aggregates.postgres.sql), grouped by mode as well.

ALTER TABLE trades ADD COLUMN mode VARCHAR(10) NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'paper', 'replay'));
ALTER TABLE trades ALTER COLUMN mode DROP DEFAULT;
CREATE INDEX idx_trades_mode_status_created ON trades (mode, status, created_at DESC);

ALTER TABLE positions ADD COLUMN mode VARCHAR(10) NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'paper', 'replay'));
ALTER TABLE positions ALTER COLUMN mode DROP DEFAULT;
ALTER TABLE positions DROP CONSTRAINT positions_strategy_id_symbol_side_key;
ALTER TABLE positions ADD CONSTRAINT positions_strategy_symbol_side_mode_key UNIQUE (strategy_id, symbol, side, mode);

ALTER TABLE strategy_performance ADD COLUMN mode VARCHAR(10) NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'paper', 'replay'));
ALTER TABLE strategy_performance ALTER COLUMN mode DROP DEFAULT;
ALTER TABLE strategy_performance DROP CONSTRAINT strategy_performance_strategy_id_date_key;
ALTER TABLE strategy_performance ADD CONSTRAINT strategy_performance_strategy_date_mode_key UNIQUE (strategy_id, date, mode);

-- Nullable: some risk events (a global kill switch, a stale feed) belong to no trading mode.
ALTER TABLE risk_events ADD COLUMN mode VARCHAR(10) CHECK (mode IN ('live', 'paper', 'replay'));

CREATE TABLE hosts (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    host_name       VARCHAR(255) NOT NULL,
    process_id      INTEGER CHECK (process_id > 0),
    mode            VARCHAR(10) NOT NULL CHECK (mode IN ('live', 'paper', 'replay')),
    strategies      TEXT[] NOT NULL DEFAULT '{}',
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_heartbeat  TIMESTAMPTZ NOT NULL DEFAULT now(),
    feed_connected  BOOLEAN NOT NULL DEFAULT false,
    feed_lag_ms     BIGINT CHECK (feed_lag_ms >= 0),
    message_rate    NUMERIC(38,12) CHECK (message_rate >= 0),
    reconnects      INTEGER NOT NULL DEFAULT 0 CHECK (reconnects >= 0),
    stopped_at      TIMESTAMPTZ,
    CHECK (last_heartbeat >= started_at),
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);
CREATE INDEX idx_hosts_running ON hosts (last_heartbeat DESC) WHERE stopped_at IS NULL;

CREATE TABLE strategy_performance_daily (
    strategy_id      UUID NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    mode             VARCHAR(10) NOT NULL CHECK (mode IN ('live', 'paper', 'replay')),
    day              TIMESTAMPTZ NOT NULL,
    total_trades     BIGINT NOT NULL,
    winning_trades   BIGINT NOT NULL,
    losing_trades    BIGINT NOT NULL,
    total_pnl        NUMERIC NOT NULL,
    total_commission NUMERIC NOT NULL,
    net_pnl          NUMERIC NOT NULL,
    total_volume     NUMERIC NOT NULL,
    PRIMARY KEY (strategy_id, mode, day)
);
CREATE INDEX idx_strategy_performance_daily_day ON strategy_performance_daily (day DESC);

CREATE TABLE IF NOT EXISTS rollup_pending (
    id     BIGSERIAL PRIMARY KEY,
    rollup TEXT NOT NULL,
    key    TEXT NOT NULL,
    bucket TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_pending_rollup ON rollup_pending (rollup);

-- Any change to a trade (a fill, a status change, a move to another day) logs the affected
-- (strategy, mode, UTC day) pairs, old and new.
CREATE FUNCTION trades_log_performance_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO rollup_pending (rollup, key, bucket)
        VALUES ('strategy_performance_daily', OLD.strategy_id::text || '/' || OLD.mode, date_trunc('day', OLD.created_at, 'UTC'));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rollup_pending (rollup, key, bucket)
        VALUES ('strategy_performance_daily', NEW.strategy_id::text || '/' || NEW.mode, date_trunc('day', NEW.created_at, 'UTC'));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER trades_log_performance_rollup AFTER INSERT OR UPDATE OR DELETE ON trades
    FOR EACH ROW EXECUTE FUNCTION trades_log_performance_rollup();

-- Recomputes the logged (strategy, mode, day) rows from the filled trades of that day: a trade
-- counts as winning when its realized_pnl > 0, losing when < 0; volume is filled quantity times
-- average fill price. Idempotent.
CREATE FUNCTION refresh_strategy_performance_daily() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    refreshed BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7305150303);
    WITH consumed AS (DELETE FROM rollup_pending WHERE rollup = 'strategy_performance_daily' RETURNING key, bucket),
         dirty AS (SELECT DISTINCT split_part(key, '/', 1)::uuid AS strategy_id, split_part(key, '/', 2) AS mode, bucket AS day FROM consumed),
         computed AS (
             SELECT d.strategy_id, d.mode, d.day,
                    count(t.id) AS total_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl > 0) AS winning_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl < 0) AS losing_trades,
                    coalesce(sum(t.realized_pnl), 0) AS total_pnl,
                    coalesce(sum(t.commission), 0) AS total_commission,
                    coalesce(sum(t.realized_pnl), 0) - coalesce(sum(t.commission), 0) AS net_pnl,
                    coalesce(sum(t.filled_quantity * t.avg_fill_price), 0) AS total_volume
             FROM dirty d
             LEFT JOIN trades t ON t.strategy_id = d.strategy_id AND t.mode = d.mode AND t.status = 'filled'
                               AND t.created_at >= d.day AND t.created_at < d.day + INTERVAL '1 day'
             GROUP BY d.strategy_id, d.mode, d.day),
         removed AS (
             DELETE FROM strategy_performance_daily p USING computed c
             WHERE c.total_trades = 0 AND p.strategy_id = c.strategy_id AND p.mode = c.mode AND p.day = c.day
             RETURNING 1),
         upserted AS (
             INSERT INTO strategy_performance_daily AS p
                 (strategy_id, mode, day, total_trades, winning_trades, losing_trades, total_pnl, total_commission, net_pnl, total_volume)
             SELECT strategy_id, mode, day, total_trades, winning_trades, losing_trades, total_pnl, total_commission, net_pnl, total_volume
             FROM computed c
             WHERE c.total_trades > 0 AND EXISTS (SELECT 1 FROM strategies s WHERE s.id = c.strategy_id)
             ON CONFLICT (strategy_id, mode, day) DO UPDATE SET
                 total_trades = EXCLUDED.total_trades, winning_trades = EXCLUDED.winning_trades,
                 losing_trades = EXCLUDED.losing_trades, total_pnl = EXCLUDED.total_pnl,
                 total_commission = EXCLUDED.total_commission, net_pnl = EXCLUDED.net_pnl,
                 total_volume = EXCLUDED.total_volume
             RETURNING 1)
    SELECT count(*) INTO refreshed FROM computed;
    RETURN refreshed;
END
$$;
