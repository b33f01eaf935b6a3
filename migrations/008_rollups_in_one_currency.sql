-- 008 (both flavors): the SQL daily rollup in one currency, counted as the engine's rollup counts.
-- - A trade is an order that ended with some size filled (filled, or partly filled then canceled),
--   on the UTC day it completed: the trigger logs that day, the refresh reads it.
-- - Winning or losing by its realized PnL net of its commission; a trade that realized nothing (an
--   opening order) is neither. total_pnl stays the gross sum.
-- - Commission in the quote currency: a spot buy's fee in the base currency valued at the average
--   fill price, rounded at 12 decimals as the engine rounds it.
-- - Volume in the quote currency: filled size x contract value x average fill price, each product
--   cut at 12 decimals as the engine's fixed-point arithmetic does. Contract values
--   come from instrument_contracts, which the runtime fills from config/instruments.yaml (spot and
--   unknown symbols count 1).
-- Every day with trades is rolled up again.
CREATE TABLE instrument_contracts (
    symbol         VARCHAR(50) PRIMARY KEY,
    contract_value NUMERIC(38,12) NOT NULL CHECK (contract_value > 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION trades_log_performance_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO rollup_pending (rollup, key, bucket)
        VALUES ('strategy_performance_daily', OLD.strategy_id::text || '/' || OLD.mode, date_trunc('day', coalesce(OLD.completed_at, OLD.created_at), 'UTC'));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rollup_pending (rollup, key, bucket)
        VALUES ('strategy_performance_daily', NEW.strategy_id::text || '/' || NEW.mode, date_trunc('day', coalesce(NEW.completed_at, NEW.created_at), 'UTC'));
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION refresh_strategy_performance_daily() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    refreshed BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7305150303);
    WITH consumed AS (DELETE FROM rollup_pending WHERE rollup = 'strategy_performance_daily' RETURNING key, bucket),
         dirty AS (SELECT DISTINCT split_part(key, '/', 1)::uuid AS strategy_id, split_part(key, '/', 2) AS mode, bucket AS day FROM consumed),
         priced AS (
             SELECT t.*, CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                              THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END AS commission_in_quote,
                    trunc(trunc(t.filled_quantity * coalesce(c.contract_value, 1), 12) * t.avg_fill_price, 12) AS volume_in_quote
             FROM trades t LEFT JOIN instrument_contracts c ON c.symbol = t.symbol
             WHERE t.filled_quantity > 0 AND t.completed_at IS NOT NULL AND EXISTS (
                 SELECT 1 FROM dirty d WHERE t.strategy_id = d.strategy_id AND t.mode = d.mode
                                         AND t.completed_at >= d.day AND t.completed_at < d.day + INTERVAL '1 day')),
         computed AS (
             SELECT d.strategy_id, d.mode, d.day,
                    count(t.id) AS total_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - t.commission_in_quote > 0) AS winning_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - t.commission_in_quote < 0) AS losing_trades,
                    coalesce(sum(t.realized_pnl), 0) AS total_pnl,
                    coalesce(sum(t.commission_in_quote), 0) AS total_commission,
                    coalesce(sum(t.realized_pnl), 0) - coalesce(sum(t.commission_in_quote), 0) AS net_pnl,
                    coalesce(sum(t.volume_in_quote), 0) AS total_volume
             FROM dirty d
             LEFT JOIN priced t ON t.strategy_id = d.strategy_id AND t.mode = d.mode
                               AND t.completed_at >= d.day AND t.completed_at < d.day + INTERVAL '1 day'
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

DELETE FROM strategy_performance_daily;
INSERT INTO rollup_pending (rollup, key, bucket)
SELECT DISTINCT 'strategy_performance_daily', strategy_id::text || '/' || mode, date_trunc('day', coalesce(completed_at, created_at), 'UTC')
FROM trades;
