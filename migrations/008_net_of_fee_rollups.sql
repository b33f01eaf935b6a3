-- 008 (both flavors): the SQL daily rollup judges a trade as the engine's rollup and loss monitor
-- do: winning or losing by its realized PnL net of its commission, the commission in the quote
-- currency (a spot buy's fee in the base currency valued at the average fill price, rounded at 12
-- decimals as the engine rounds it); a trade that realized nothing (an opening order) is neither.
-- total_pnl stays the gross sum; total_commission and net_pnl are now in the quote currency.
-- Days already rolled up are recomputed.
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
                              THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END AS commission_in_quote
             FROM trades t
             WHERE t.status = 'filled' AND EXISTS (
                 SELECT 1 FROM dirty d WHERE t.strategy_id = d.strategy_id AND t.mode = d.mode
                                         AND t.created_at >= d.day AND t.created_at < d.day + INTERVAL '1 day')),
         computed AS (
             SELECT d.strategy_id, d.mode, d.day,
                    count(t.id) AS total_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - t.commission_in_quote > 0) AS winning_trades,
                    count(t.id) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - t.commission_in_quote < 0) AS losing_trades,
                    coalesce(sum(t.realized_pnl), 0) AS total_pnl,
                    coalesce(sum(t.commission_in_quote), 0) AS total_commission,
                    coalesce(sum(t.realized_pnl), 0) - coalesce(sum(t.commission_in_quote), 0) AS net_pnl,
                    coalesce(sum(t.filled_quantity * t.avg_fill_price), 0) AS total_volume
             FROM dirty d
             LEFT JOIN priced t ON t.strategy_id = d.strategy_id AND t.mode = d.mode
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

INSERT INTO rollup_pending (rollup, key, bucket)
SELECT DISTINCT 'strategy_performance_daily', strategy_id::text || '/' || mode, day FROM strategy_performance_daily;
