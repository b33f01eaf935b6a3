-- 006 (every flavor): what the post-trade risk monitors remember about a strategy, so that a
-- restarted paper or live host goes on from where the last one stopped.
--
-- The monitors halt a strategy at max_drawdown_pct (equity below its highest value ever) and at
-- max_daily_loss (equity below its value at 00:00 UTC). Both compare with an equity the host
-- only ever held in memory: the peak may have been reached between two trades, by an unrealized
-- gain, and the day's opening equity includes the unrealized PnL at midnight. No other table
-- holds them (strategy_performance keeps each day's return and intraday drawdown, not the peak,
-- and is rewritten from the samples after a restart), so without this table a strategy in 9 %
-- drawdown against a 10 % limit would start over from a fresh peak after every restart.
--
-- The run of consecutive losing trades (max_consecutive_losses) is not kept here: the trades
-- table is its ledger, and the host counts it from there at start (see HostLauncher).
--
-- Equity is allocated capital plus PnL, so the marks include the capital the strategy had when
-- they were taken (allocated_capital): a strategy redeployed with other capital resumes with
-- its marks moved by the difference, keeping its drawdown in money rather than comparing new
-- capital with an old peak.
--
-- A plain table in every flavor (one row per strategy and mode, overwritten by the running host
-- every heartbeat and at shutdown): it is state, not a time series. Replays start fresh and never
-- write it.
CREATE TABLE strategy_risk_monitors (
    strategy_id     UUID NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    mode            VARCHAR(10) NOT NULL CHECK (mode IN ('live', 'paper')),
    -- The UTC date day_open_equity belongs to.
    utc_day         DATE,
    day_open_equity NUMERIC(38,12),
    last_equity     NUMERIC(38,12),
    peak_equity     NUMERIC(38,12),
    allocated_capital NUMERIC(38,12) NOT NULL CHECK (allocated_capital >= 0),
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (strategy_id, mode),
    CHECK ((utc_day IS NULL) = (day_open_equity IS NULL)),
    CHECK (peak_equity IS NULL OR last_equity IS NULL OR peak_equity >= last_equity)
);
