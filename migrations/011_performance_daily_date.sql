-- 011 (both flavors): strategy_performance_daily's time column is "date", the name the seed's
-- daily performance aggregate and strategy_performance use; 004 named it day. It stays a
-- TIMESTAMPTZ at UTC midnight (the seed's aggregate buckets with time_bucket('1 day'), a
-- timestamp); read it as a calendar day with ("date" AT TIME ZONE 'UTC')::date. The refresh is
-- redefined with the new name, counting as 008 does.
ALTER TABLE strategy_performance_daily RENAME COLUMN day TO "date";
ALTER INDEX idx_strategy_performance_daily_day RENAME TO idx_strategy_performance_daily_date;

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
             WHERE c.total_trades = 0 AND p.strategy_id = c.strategy_id AND p.mode = c.mode AND p."date" = c.day
             RETURNING 1),
         upserted AS (
             INSERT INTO strategy_performance_daily AS p
                 (strategy_id, mode, "date", total_trades, winning_trades, losing_trades, total_pnl, total_commission, net_pnl, total_volume)
             SELECT strategy_id, mode, day, total_trades, winning_trades, losing_trades, total_pnl, total_commission, net_pnl, total_volume
             FROM computed c
             WHERE c.total_trades > 0 AND EXISTS (SELECT 1 FROM strategies s WHERE s.id = c.strategy_id)
             ON CONFLICT (strategy_id, mode, "date") DO UPDATE SET
                 total_trades = EXCLUDED.total_trades, winning_trades = EXCLUDED.winning_trades,
                 losing_trades = EXCLUDED.losing_trades, total_pnl = EXCLUDED.total_pnl,
                 total_commission = EXCLUDED.total_commission, net_pnl = EXCLUDED.net_pnl,
                 total_volume = EXCLUDED.total_volume
             RETURNING 1)
    SELECT count(*) INTO refreshed FROM computed;
    RETURN refreshed;
END
$$;
