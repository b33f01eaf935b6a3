-- 007 (both flavors): the seed's indexing strategy where 001-006 lacked it. GIN indexes on the
-- strategies' JSONB parameters and risk limits (filtering by a parameter or limit, e.g.
-- `parameters @> '{"fast_period": 10}'`), and partial indexes for the active filters the views
-- read: running strategies by their last change, filled trades by completion, open positions.
-- (Open trades already have idx_trades_open from 001.)
CREATE INDEX idx_strategies_parameters ON strategies USING GIN (parameters);
CREATE INDEX idx_strategies_risk_limits ON strategies USING GIN (risk_limits);
CREATE INDEX idx_strategies_running_updated ON strategies (updated_at DESC) WHERE status IN ('active', 'paper_trading');
CREATE INDEX idx_trades_filled_completed ON trades (strategy_id, completed_at DESC) WHERE status = 'filled';
CREATE INDEX idx_positions_open ON positions (strategy_id, symbol) WHERE quantity > 0;
