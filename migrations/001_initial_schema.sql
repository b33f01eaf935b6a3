-- 001: the seed's relational tables (every flavor): users, strategies, trades, positions,
-- strategy_performance, risk_events, audit_logs. The time-series tables follow in 002, whose
-- shape depends on the flavor.
--
-- Decimal columns are NUMERIC(38,12) rather than the seed's DECIMAL(20,8): the runtime holds
-- amounts as fixed-point values with 12 decimals, and a narrower scale would silently round
-- them on the way in. Storage refuses values that do not fit before sending them.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    username           VARCHAR(50)  NOT NULL UNIQUE,
    email              VARCHAR(255) NOT NULL UNIQUE,
    role               VARCHAR(20)  NOT NULL DEFAULT 'viewer'
                       CHECK (role IN ('admin', 'trader', 'risk_officer', 'viewer')),
    two_factor_enabled BOOLEAN NOT NULL DEFAULT false,
    risk_preferences   JSONB   NOT NULL DEFAULT '{}'::jsonb,
    is_active          BOOLEAN NOT NULL DEFAULT true,
    last_login         TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (username ~ '^[A-Za-z0-9_.-]{3,50}$'),
    CHECK (position('@' in email) > 1)
);

CREATE TABLE strategies (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name              VARCHAR(100) NOT NULL UNIQUE,
    strategy_type     VARCHAR(50)  NOT NULL,
    version           VARCHAR(20)  NOT NULL,
    parameters        JSONB   NOT NULL DEFAULT '{}'::jsonb,
    risk_limits       JSONB   NOT NULL DEFAULT '{}'::jsonb,
    symbols           TEXT[]  NOT NULL CHECK (cardinality(symbols) > 0),
    status            VARCHAR(20) NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'validating', 'backtesting', 'paper_trading', 'active',
                                        'paused', 'reducing_only', 'halted', 'stopped', 'archived')),
    allocated_capital NUMERIC(38,12) NOT NULL DEFAULT 0 CHECK (allocated_capital >= 0),
    max_position_size NUMERIC(38,12) CHECK (max_position_size > 0),
    max_leverage      NUMERIC(38,12) NOT NULL DEFAULT 1 CHECK (max_leverage > 0 AND max_leverage <= 125),
    created_by        UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    deployed_at       TIMESTAMPTZ,
    stopped_at        TIMESTAMPTZ
);
-- Partial index: the host's hot question is "which strategies are active".
CREATE INDEX idx_strategies_active ON strategies (name) WHERE status = 'active';
CREATE INDEX idx_strategies_status ON strategies (status);

CREATE TABLE trades (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    okx_order_id     VARCHAR(100) UNIQUE,
    client_order_id  VARCHAR(100) NOT NULL UNIQUE,
    strategy_id      UUID NOT NULL REFERENCES strategies (id) ON DELETE RESTRICT,
    symbol           VARCHAR(50) NOT NULL,
    side             VARCHAR(4)  NOT NULL CHECK (side IN ('buy', 'sell')),
    order_type       VARCHAR(20) NOT NULL CHECK (order_type IN ('market', 'limit', 'post_only', 'ioc', 'fok')),
    position_side    VARCHAR(10) CHECK (position_side IN ('long', 'short', 'net')),
    quantity         NUMERIC(38,12) NOT NULL CHECK (quantity > 0),
    price            NUMERIC(38,12) CHECK (price > 0),
    avg_fill_price   NUMERIC(38,12) CHECK (avg_fill_price > 0),
    filled_quantity  NUMERIC(38,12) NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    commission       NUMERIC(38,12) NOT NULL DEFAULT 0,
    commission_asset VARCHAR(20),
    realized_pnl     NUMERIC(38,12),
    slippage_bps     INTEGER,
    status           VARCHAR(20) NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'submitted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'failed')),
    reject_reason    TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    submitted_at     TIMESTAMPTZ,
    first_fill_at    TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    latency_ms       INTEGER CHECK (latency_ms >= 0),
    total_latency_ms INTEGER CHECK (total_latency_ms >= 0),
    CHECK (filled_quantity <= quantity),
    -- A limit-style order carries its limit price; a market order may not.
    CHECK (order_type = 'market' OR price IS NOT NULL),
    CHECK (status <> 'rejected' OR reject_reason IS NOT NULL)
);
CREATE INDEX idx_trades_strategy_created ON trades (strategy_id, created_at DESC);
CREATE INDEX idx_trades_symbol_created ON trades (symbol, created_at DESC);
CREATE INDEX idx_trades_status_created ON trades (status, created_at DESC);
-- Partial index: open orders are the ones the runtime keeps asking about.
CREATE INDEX idx_trades_open ON trades (strategy_id, created_at) WHERE status IN ('submitted', 'partially_filled');

CREATE TABLE positions (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    strategy_id       UUID NOT NULL REFERENCES strategies (id) ON DELETE RESTRICT,
    symbol            VARCHAR(50) NOT NULL,
    side              VARCHAR(10) NOT NULL CHECK (side IN ('long', 'short', 'net')),
    quantity          NUMERIC(38,12) NOT NULL CHECK (quantity >= 0),
    avg_entry_price   NUMERIC(38,12) NOT NULL CHECK (avg_entry_price > 0),
    current_price     NUMERIC(38,12) CHECK (current_price > 0),
    unrealized_pnl    NUMERIC(38,12) NOT NULL DEFAULT 0,
    realized_pnl      NUMERIC(38,12) NOT NULL DEFAULT 0,
    margin            NUMERIC(38,12) CHECK (margin >= 0),
    leverage          NUMERIC(38,12) CHECK (leverage > 0 AND leverage <= 125),
    liquidation_price NUMERIC(38,12) CHECK (liquidation_price >= 0),
    opened_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_updated      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (strategy_id, symbol, side)
);
CREATE INDEX idx_positions_symbol ON positions (symbol);

CREATE TABLE strategy_performance (
    id               BIGSERIAL PRIMARY KEY,
    strategy_id      UUID NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    date             DATE NOT NULL,
    total_trades     INTEGER NOT NULL DEFAULT 0 CHECK (total_trades >= 0),
    winning_trades   INTEGER NOT NULL DEFAULT 0 CHECK (winning_trades >= 0),
    losing_trades    INTEGER NOT NULL DEFAULT 0 CHECK (losing_trades >= 0),
    total_pnl        NUMERIC(38,12) NOT NULL DEFAULT 0,
    total_commission NUMERIC(38,12) NOT NULL DEFAULT 0,
    net_pnl          NUMERIC(38,12) NOT NULL DEFAULT 0,
    return_pct       NUMERIC(38,12),
    sharpe_ratio     NUMERIC(38,12),
    max_drawdown     NUMERIC(38,12) CHECK (max_drawdown >= 0),
    win_rate         NUMERIC(38,12) CHECK (win_rate >= 0 AND win_rate <= 1),
    avg_win          NUMERIC(38,12),
    avg_loss         NUMERIC(38,12),
    profit_factor    NUMERIC(38,12) CHECK (profit_factor >= 0),
    total_volume     NUMERIC(38,12) NOT NULL DEFAULT 0 CHECK (total_volume >= 0),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (strategy_id, date),
    CHECK (winning_trades + losing_trades <= total_trades)
);
CREATE INDEX idx_strategy_performance_date ON strategy_performance (date DESC);

CREATE TABLE risk_events (
    id              BIGSERIAL PRIMARY KEY,
    event_type      VARCHAR(50) NOT NULL,
    severity        VARCHAR(20) NOT NULL CHECK (severity IN ('info', 'warning', 'critical', 'emergency')),
    strategy_id     UUID REFERENCES strategies (id) ON DELETE SET NULL,
    symbol          VARCHAR(50),
    description     TEXT NOT NULL,
    metric_name     VARCHAR(100),
    metric_value    NUMERIC(38,12),
    threshold_value NUMERIC(38,12),
    action_taken    VARCHAR(100),
    acknowledged    BOOLEAN NOT NULL DEFAULT false,
    acknowledged_by UUID REFERENCES users (id) ON DELETE SET NULL,
    acknowledged_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- An acknowledgement says when; an unacknowledged event has no acknowledger.
    CHECK (NOT acknowledged OR acknowledged_at IS NOT NULL),
    CHECK (acknowledged OR (acknowledged_by IS NULL AND acknowledged_at IS NULL))
);
CREATE INDEX idx_risk_events_severity_created ON risk_events (severity, created_at DESC);
CREATE INDEX idx_risk_events_strategy_created ON risk_events (strategy_id, created_at DESC);
-- Partial index: the risk officer's queue.
CREATE INDEX idx_risk_events_unacknowledged ON risk_events (created_at DESC) WHERE NOT acknowledged;

CREATE TABLE audit_logs (
    id            BIGSERIAL PRIMARY KEY,
    user_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    action        VARCHAR(100) NOT NULL,
    resource_type VARCHAR(50)  NOT NULL,
    resource_id   VARCHAR(100),
    old_value     JSONB,
    new_value     JSONB,
    ip_address    INET,
    user_agent    TEXT,
    success       BOOLEAN NOT NULL DEFAULT true,
    error_message TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (success OR error_message IS NOT NULL)
);
CREATE INDEX idx_audit_logs_user_created ON audit_logs (user_id, created_at DESC);
CREATE INDEX idx_audit_logs_resource ON audit_logs (resource_type, resource_id, created_at DESC);
CREATE INDEX idx_audit_logs_created ON audit_logs (created_at DESC);
CREATE INDEX idx_audit_logs_old_value ON audit_logs USING GIN (old_value);
CREATE INDEX idx_audit_logs_new_value ON audit_logs USING GIN (new_value);
