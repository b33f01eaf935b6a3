-- 013 (both flavors): the database enforces the operators' roles, not only the CLI (issue 18).
--
-- Group roles (cluster-wide, NOLOGIN; created once per server and shared by its runtime databases):
--   runtime_viewer        reads every table and view.
--   runtime_trader        viewer + the operator functions below + writing replay rows (a
--                         persisted `runtime replay`); never a live or paper row.
--   runtime_risk_officer  viewer + the operator functions below (halt, halt all, acknowledge).
--   runtime_host          viewer + writing what a running host writes: trading records of every
--                         mode, market data, risk events, host rows, strategies' status columns.
--   runtime_admin         everything above, and every table's rows (users, strategies, ...).
-- An operator logs in as their own login role, made a member of the group of their users.role
-- (`runtime users add` grants it when that login role exists). What each users.role may do is
-- the table operator_grants; runtime_authorize() is the one place that reads it, for the CLI
-- and for the functions below alike. Strategy changes, acknowledgements and refusal audit rows
-- of non-admins go through SECURITY DEFINER functions that check the role and write the audit
-- row in the same transaction; audit_logs stays append-only for everyone (009).
--
-- Identity: a function trusts the operator name the runtime passes only from a superuser
-- session (the embedded cluster, whose socket only its owner reaches); any other session is
-- its login role (session_user). DDL (migrations, partition maintenance) needs the schema owner.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['runtime_viewer', 'runtime_trader', 'runtime_risk_officer', 'runtime_host', 'runtime_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN OTHERS THEN
                -- Another database's migration created it at the same moment.
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN RAISE; END IF;
            END;
        END IF;
    END LOOP;
    FOREACH r IN ARRAY ARRAY['runtime_trader:runtime_viewer', 'runtime_risk_officer:runtime_viewer', 'runtime_host:runtime_viewer',
                             'runtime_admin:runtime_trader', 'runtime_admin:runtime_risk_officer', 'runtime_admin:runtime_host'] LOOP
        IF NOT pg_has_role(split_part(r, ':', 1), split_part(r, ':', 2), 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', split_part(r, ':', 2), split_part(r, ':', 1));
            EXCEPTION WHEN OTHERS THEN
                IF NOT pg_has_role(split_part(r, ':', 1), split_part(r, ':', 2), 'MEMBER') THEN RAISE; END IF;
            END;
        END IF;
    END LOOP;
    -- The owner who applies this (on a shared server the first admin's login) is an admin too.
    IF NOT pg_has_role(current_user, 'runtime_admin', 'MEMBER') THEN
        EXECUTE format('GRANT runtime_admin TO %I', current_user);
    END IF;
END
$$;

-- What each users.role may do. The runtime's OperatorPermission names these permissions and
-- says what they mean; this table is the only place that says who holds them.
CREATE TABLE operator_grants (
    permission VARCHAR(50) NOT NULL,
    role       VARCHAR(20) NOT NULL CHECK (role IN ('admin', 'trader', 'risk_officer', 'viewer')),
    PRIMARY KEY (permission, role)
);
INSERT INTO operator_grants (permission, role) VALUES
    ('read', 'admin'), ('read', 'trader'), ('read', 'risk_officer'), ('read', 'viewer'),
    ('run_host', 'admin'), ('administer_database', 'admin'), ('act_as_another', 'admin'), ('manage_users', 'admin'),
    ('replay', 'admin'), ('replay', 'trader'),
    ('deploy', 'admin'), ('deploy', 'trader'),
    ('control_trading', 'admin'), ('control_trading', 'trader'),
    ('halt', 'admin'), ('halt', 'trader'), ('halt', 'risk_officer'),
    ('halt_all', 'admin'), ('halt_all', 'risk_officer'),
    ('acknowledge_risk', 'admin'), ('acknowledge_risk', 'trader'), ('acknowledge_risk', 'risk_officer');

-- Ranges of late market data whose TimescaleDB rollups wait for the owner's next maintenance pass
-- (refreshing a continuous aggregate needs its owner; see StorageMaintenance.refreshAggregates).
CREATE TABLE rollup_refresh_requests (
    id           BIGSERIAL PRIMARY KEY,
    from_ts      TIMESTAMPTZ NOT NULL,
    to_ts        TIMESTAMPTZ NOT NULL CHECK (to_ts > from_ts),
    requested_by TEXT NOT NULL DEFAULT session_user,
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Table privileges. Nothing for PUBLIC; every group reads; writers by what they write.
DO $$
DECLARE
    t text;
    writers text[] := ARRAY['trades', 'positions', 'strategy_performance', 'strategy_performance_daily', 'risk_events',
                            'strategy_risk_monitors', 'hosts', 'system_metrics', 'market_ohlcv', 'market_ticks',
                            'order_book_snapshots', 'market_trade_ids', 'market_ohlcv_5m', 'market_ohlcv_1h', 'market_ohlcv_1d',
                            'rollup_pending', 'rollup_refresh_state', 'rollup_refresh_requests', 'instrument_contracts'];
BEGIN
    EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC';
    EXECUTE 'GRANT USAGE ON SCHEMA public TO runtime_viewer';
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO runtime_viewer';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO runtime_admin';
    EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO runtime_host, runtime_trader, runtime_admin';
    FOREACH t IN ARRAY writers LOOP
        -- A regular or partitioned table (plain flavor) or hypertable; TimescaleDB's rollups are views.
        IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relname = t AND c.relkind IN ('r', 'p')) THEN
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO runtime_host, runtime_trader', t);
        END IF;
    END LOOP;
    -- A host changes a strategy's status (risk halts, invalid manifests), never its deployment.
    EXECUTE 'GRANT UPDATE (status, updated_at, stopped_at) ON strategies TO runtime_host';
    EXECUTE 'GRANT INSERT ON audit_logs TO runtime_host';
    -- audit_logs is append-only (009's trigger refuses even the owner); the migrator's own
    -- bookkeeping is the owner's alone.
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM runtime_admin';
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM runtime_admin';
END
$$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO runtime_viewer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO runtime_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- A trader's writes are replay rows only: a live or paper row (or a mode-less risk event) needs
-- runtime_host. COPY fires this too, so the writers' bulk path is covered.
CREATE FUNCTION runtime_guard_trading_mode() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched text[];
BEGIN
    touched := CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.mode]
                          WHEN 'UPDATE' THEN ARRAY[OLD.mode, NEW.mode]
                          ELSE ARRAY[OLD.mode] END;
    IF NOT ('replay' = ALL (touched) AND array_position(touched, NULL) IS NULL)
       AND NOT pg_has_role(current_user, 'runtime_host', 'USAGE') THEN
        RAISE EXCEPTION '% writes replay rows only: % of a % row in % needs runtime_host', current_user, TG_OP,
                        array_to_string(touched, '/', 'mode-less'), TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege', HINT = 'live and paper rows are written by a host';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['trades', 'positions', 'strategy_performance', 'strategy_performance_daily', 'risk_events',
                             'strategy_risk_monitors'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION runtime_guard_trading_mode()',
                       t || '_mode_guard', t);
    END LOOP;
END
$$;
-- Maintenance (partitions, rollup refreshes, retention) creates and drops partitions and
-- recomputes every logged rollup bucket, whoever's write logged it: it runs with its owner's
-- rights, for any host (runtime_host may call it).
ALTER FUNCTION refresh_strategy_performance_daily() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION refresh_market_rollups() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION runtime_maintain_partitions(timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;

-- The operator a session speaks for: its login role, or (superuser sessions only) the name the
-- runtime passes.
CREATE FUNCTION runtime_login(p_identity text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF p_identity IS NULL OR p_identity = session_user THEN RETURN session_user; END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper) THEN RETURN p_identity; END IF;
    RAISE EXCEPTION 'the login role % cannot speak for the operator %', session_user, p_identity
        USING ERRCODE = 'insufficient_privilege', HINT = 'log in as your own PostgreSQL role';
END
$$;

-- The acting user and whether their role holds p_permission: the login itself, or, when
-- p_acting names someone else and the login may act as another, that user. On a refusal the
-- user fields describe the refused user (NULL when unknown) and refusal says why:
-- unknown_user, inactive_user or role_refused (refused_permission, allowed_roles).
CREATE FUNCTION runtime_resolve_operator(p_identity text, p_acting text, p_permission text,
    OUT user_id uuid, OUT username text, OUT role text, OUT refusal text, OUT refused_permission text, OUT allowed_roles text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_name text := runtime_login(p_identity);
    v_step text;
    v_user users;
BEGIN
    FOREACH v_step IN ARRAY CASE WHEN coalesce(p_acting, '') IN ('', v_name) THEN ARRAY[p_permission]
                                 ELSE ARRAY['act_as_another', p_permission] END LOOP
        SELECT * INTO v_user FROM users u WHERE u.username = v_name;
        user_id := v_user.id; username := coalesce(v_user.username, v_name); role := v_user.role;
        IF NOT FOUND THEN refusal := 'unknown_user'; RETURN; END IF;
        IF NOT v_user.is_active THEN refusal := 'inactive_user'; RETURN; END IF;
        IF NOT EXISTS (SELECT 1 FROM operator_grants g WHERE g.permission = v_step AND g.role = v_user.role) THEN
            refusal := 'role_refused';
            refused_permission := v_step;
            allowed_roles := ARRAY(SELECT g.role FROM operator_grants g WHERE g.permission = v_step
                                   ORDER BY array_position(ARRAY['admin', 'trader', 'risk_officer', 'viewer'], g.role::text));
            RETURN;
        END IF;
        v_name := p_acting;
    END LOOP;
END
$$;

-- runtime_resolve_operator, raising on a refusal: for the functions below, whose callers
-- (the runtime) authorized first and recorded any refusal.
CREATE FUNCTION runtime_require_operator(p_identity text, p_acting text, p_permission text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record;
    v_user users;
BEGIN
    r := runtime_resolve_operator(p_identity, p_acting, p_permission);
    IF r.refusal IS NOT NULL THEN
        RAISE EXCEPTION 'operator % may not %: %', r.username, coalesce(r.refused_permission, p_permission), r.refusal
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_user FROM users WHERE id = r.user_id;
    RETURN v_user;
END
$$;

-- What every command calls first. On a database without users the login becomes the first
-- admin (audited as user.bootstrap); an admin acting as someone else is audited as user.act_as
-- (p_action says for what).
CREATE FUNCTION runtime_authorize(p_identity text, p_acting text, p_permission text, p_action text,
    OUT user_id uuid, OUT username text, OUT role text, OUT refusal text, OUT refused_permission text, OUT allowed_roles text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_login text := runtime_login(p_identity);
    v_id uuid;
    r record;
BEGIN
    -- Only someone who may set the database up (the migrating owner, an admin's login, a
    -- superuser) becomes its first admin; anyone else meets an empty table as unknown.
    IF NOT EXISTS (SELECT 1 FROM users) AND pg_has_role(session_user, 'runtime_admin', 'MEMBER') THEN
        PERFORM pg_advisory_xact_lock(hashtext('ea-okx.users.setup'));
        IF NOT EXISTS (SELECT 1 FROM users) THEN
            IF v_login !~ '^[A-Za-z0-9_.-]{3,50}$' THEN
                username := v_login; refusal := 'invalid_first_admin'; RETURN;
            END IF;
            INSERT INTO users (username, email, role) VALUES (v_login, v_login || '@localhost', 'admin') RETURNING id INTO v_id;
            INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value)
            VALUES (v_id, 'user.bootstrap', 'user', v_login,
                    jsonb_build_object('username', v_login, 'role', 'admin', 'email', v_login || '@localhost'));
        END IF;
    END IF;
    r := runtime_resolve_operator(p_identity, p_acting, p_permission);
    user_id := r.user_id; username := r.username; role := r.role; refusal := r.refusal;
    refused_permission := r.refused_permission; allowed_roles := r.allowed_roles;
    IF r.username <> v_login THEN  -- the act-as step passed (whatever the acting user may do)
        INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value)
        SELECT u.id, 'user.act_as', 'user', left(r.username, 100),
               jsonb_build_object('identity', v_login, 'acting_as', r.username, 'for', p_action)
        FROM users u WHERE u.username = v_login;
    END IF;
END
$$;

-- A refused request's audit row (success = false), attributed to the acting user when the login
-- may act as them, else to the login (NULL when not a user). Anyone may record their own refusals.
CREATE FUNCTION runtime_record_refusal(p_identity text, p_acting text, p_action text, p_resource_type text, p_resource_id text,
                                       p_old_value jsonb, p_new_value jsonb, p_error text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_login text := runtime_login(p_identity);
    v_name text := v_login;
BEGIN
    IF coalesce(p_acting, '') NOT IN ('', v_login)
       AND (runtime_resolve_operator(p_identity, NULL, 'act_as_another')).refusal IS NULL THEN
        v_name := p_acting;
    END IF;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, old_value, new_value, success, error_message)
    VALUES ((SELECT id FROM users WHERE username = v_name), left(p_action, 100), left(p_resource_type, 50),
            left(p_resource_id, 100), p_old_value, p_new_value, false, coalesce(p_error, 'refused'));
END
$$;

-- pause | resume | stop | halt of one strategy, from the status the runtime read (p_expected)
-- to the one Risk's trading-state machine chose (p_new_status). Checked here: the permission,
-- that the status did not change meanwhile, that the new status is the command's (a resume
-- returns to the deployed mode, never from paper to live), and separation of duties: a strategy
-- halted by the risk engine or the host resumes only once its halting risk event is
-- acknowledged, and only by an admin. Returns a refusal (unknown_strategy, status_changed,
-- halt_not_acknowledged, resume_needs_admin, with the event id) without writing, or writes the
-- status, the audit row, a risk event for a halt, and the strategy_control notification.
CREATE FUNCTION runtime_control_strategy(p_identity text, p_acting text, p_command text, p_strategy text,
                                         p_expected text, p_new_status text, p_reason text,
                                         p_old_value jsonb, p_new_value jsonb,
                                         OUT refusal text, OUT current_status text, OUT event_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user users := runtime_require_operator(p_identity, p_acting, CASE p_command WHEN 'halt' THEN 'halt' ELSE 'control_trading' END);
    v_row strategies;
    v_mode text;
    v_commanded text;
    v_halt risk_events;
BEGIN
    SELECT * INTO v_row FROM strategies WHERE name = p_strategy FOR UPDATE;
    IF NOT FOUND THEN refusal := 'unknown_strategy'; RETURN; END IF;
    current_status := v_row.status;
    IF v_row.status IS DISTINCT FROM p_expected THEN refusal := 'status_changed'; RETURN; END IF;
    v_mode := coalesce(v_row.manifest ->> 'mode', CASE WHEN v_row.status = 'active' THEN 'live' ELSE 'paper' END);
    v_commanded := CASE p_command WHEN 'pause' THEN 'paused' WHEN 'stop' THEN 'stopped' WHEN 'halt' THEN 'halted'
                                  WHEN 'resume' THEN CASE v_mode WHEN 'live' THEN 'active' ELSE 'paper_trading' END END;
    IF p_new_status IS DISTINCT FROM v_commanded THEN
        RAISE EXCEPTION '% cannot set strategy % to %', p_command, p_strategy, p_new_status USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_command = 'resume' AND v_row.status = 'halted' THEN
        SELECT * INTO v_halt FROM risk_events
        WHERE strategy_id = v_row.id AND action_taken = 'halted' ORDER BY created_at DESC, id DESC LIMIT 1;
        IF FOUND AND v_halt.event_type <> 'state_change' THEN
            event_id := v_halt.id;
            IF NOT v_halt.acknowledged THEN refusal := 'halt_not_acknowledged'; RETURN; END IF;
            IF v_user.role <> 'admin' THEN refusal := 'resume_needs_admin'; RETURN; END IF;
            event_id := NULL;
        END IF;
    END IF;
    UPDATE strategies SET status = p_new_status, updated_at = now(),
        stopped_at = CASE WHEN p_new_status = 'stopped' THEN now() ELSE NULL END
    WHERE id = v_row.id;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, old_value, new_value)
    VALUES (v_user.id, 'strategy.' || p_command, 'strategy', p_strategy,
            coalesce(p_old_value, '{}') || jsonb_build_object('status', v_row.status),
            coalesce(p_new_value, '{}') || jsonb_build_object('status', p_new_status));
    IF p_command = 'halt' THEN
        INSERT INTO risk_events (event_type, severity, strategy_id, description, action_taken, mode)
        VALUES ('state_change', 'critical', v_row.id,
                format('halted by %s (%s): %s -> halted', v_user.username, v_user.role, v_row.status)
                    || coalesce('; reason: ' || p_reason, ''),
                'halted', CASE v_mode WHEN 'paper' THEN 'paper' ELSE 'live' END)
        RETURNING id INTO event_id;
    END IF;
    PERFORM pg_notify('strategy_control', p_strategy);
END
$$;

-- Acknowledges a risk event (sets acknowledged, acknowledged_by, acknowledged_at) with its audit
-- row. Returns a refusal (unknown_risk_event, already_acknowledged) without writing.
CREATE FUNCTION runtime_acknowledge_risk_event(p_identity text, p_acting text, p_event_id bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user users := runtime_require_operator(p_identity, p_acting, 'acknowledge_risk');
    v_event risk_events;
BEGIN
    SELECT * INTO v_event FROM risk_events WHERE id = p_event_id FOR UPDATE;
    IF NOT FOUND THEN RETURN 'unknown_risk_event'; END IF;
    IF v_event.acknowledged THEN RETURN 'already_acknowledged'; END IF;
    UPDATE risk_events SET acknowledged = true, acknowledged_by = v_user.id, acknowledged_at = now() WHERE id = p_event_id;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, old_value, new_value)
    VALUES (v_user.id, 'risk_event.acknowledge', 'risk_event', p_event_id::text, jsonb_build_object('acknowledged', false),
            jsonb_build_object('acknowledged', true, 'acknowledged_by', v_user.username));
    RETURN NULL;
END
$$;

-- Deploys (creates or updates) a strategy from its manifest (p_manifest, the JSON the runtime
-- validated) with its audit row. The status is decided here: a new strategy starts in its
-- mode's status; a redeployment keeps paused, reducing_only and halted (only `resume` resumes).
-- Separation of duties: someone other than an admin may not raise allocated_capital or a risk
-- limit above the newest admin deployment (or the first deployment, when no admin deployed
-- it), nor drop a limit. Returns those refusals as (field, reason) rows without writing.
CREATE FUNCTION runtime_deploy_strategy(p_identity text, p_acting text, p_manifest jsonb, p_parameters jsonb, p_risk_limits jsonb,
                                        p_max_position_size numeric, p_max_leverage numeric, p_old_value jsonb, p_unchanged boolean)
RETURNS TABLE (field text, reason text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user users := runtime_require_operator(p_identity, p_acting, 'deploy');
    v_name text := p_manifest ->> 'name';
    v_current strategies;
    v_status text;
    v_capital text;
    v_limits jsonb;
    v_only constant text := 'above the ceiling an admin set; only an admin raises it';
    v_new_value jsonb := p_manifest;
    v_old_value jsonb := p_old_value;
    v_refused boolean := false;
    k text;
    v text;
BEGIN
    SELECT * INTO v_current FROM strategies s WHERE s.name = v_name FOR UPDATE;
    IF FOUND AND v_user.role <> 'admin' THEN
        SELECT a.new_value ->> 'allocated_capital', a.new_value -> 'risk_limits' INTO v_capital, v_limits
        FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id
        WHERE a.action = 'strategy.deploy' AND a.success AND a.resource_id = v_name AND a.new_value ? 'allocated_capital'
        ORDER BY coalesce(u.role = 'admin', false) DESC, CASE WHEN u.role = 'admin' THEN -a.id ELSE a.id END
        LIMIT 1;
        IF (p_manifest ->> 'allocated_capital')::numeric > v_capital::numeric THEN
            field := 'allocated_capital';
            reason := format('%s is %s (%s)', p_manifest ->> 'allocated_capital', v_only, v_capital);
            v_refused := true;
            RETURN NEXT;
        END IF;
        FOR k, v IN SELECT e.key, e.value #>> '{}' FROM jsonb_each(coalesce(v_limits, '{}')) e ORDER BY e.key LOOP
            field := 'risk_limits.' || k;
            reason := CASE WHEN NOT coalesce(p_manifest -> 'risk_limits', '{}') ? k
                               THEN format('removing it lifts the limit, which is %s (%s)', v_only, v)
                           WHEN (p_manifest -> 'risk_limits' ->> k)::numeric > v::numeric
                               THEN format('%s is %s (%s)', p_manifest -> 'risk_limits' ->> k, v_only, v) END;
            IF reason IS NOT NULL THEN
                v_refused := true;
                RETURN NEXT;
            END IF;
        END LOOP;
        IF v_refused THEN RETURN; END IF;
    END IF;
    IF NOT p_unchanged THEN
        v_status := CASE WHEN v_current.status IN ('paused', 'reducing_only', 'halted') THEN v_current.status
                         WHEN p_manifest ->> 'mode' = 'paper' THEN 'paper_trading' ELSE 'active' END;
        INSERT INTO strategies AS s (name, strategy_type, version, parameters, risk_limits, symbols, status, allocated_capital,
            max_position_size, max_leverage, created_by, deployed_at, stopped_at, plugin, manifest)
        VALUES (v_name, p_manifest ->> 'strategy', p_manifest ->> 'version', p_parameters, p_risk_limits,
            ARRAY(SELECT jsonb_array_elements_text(p_manifest -> 'instruments')),
            v_status, (p_manifest ->> 'allocated_capital')::numeric, p_max_position_size, p_max_leverage, v_user.id, now(), NULL,
            p_manifest ->> 'plugin', p_manifest)
        ON CONFLICT (name) DO UPDATE SET strategy_type = EXCLUDED.strategy_type, version = EXCLUDED.version,
            parameters = EXCLUDED.parameters, risk_limits = EXCLUDED.risk_limits, symbols = EXCLUDED.symbols,
            status = EXCLUDED.status, allocated_capital = EXCLUDED.allocated_capital,
            max_position_size = EXCLUDED.max_position_size, max_leverage = EXCLUDED.max_leverage,
            deployed_at = EXCLUDED.deployed_at, stopped_at = NULL, plugin = EXCLUDED.plugin, manifest = EXCLUDED.manifest,
            updated_at = now();
        v_new_value := v_new_value || jsonb_build_object('status', v_status);
        IF v_old_value IS NOT NULL AND v_current.status IS NOT NULL THEN
            v_old_value := v_old_value || jsonb_build_object('status', v_current.status);
        END IF;
        PERFORM pg_notify('strategy_control', v_name);
    END IF;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, old_value, new_value)
    VALUES (v_user.id, 'strategy.deploy', 'strategy', v_name, v_old_value, v_new_value);
END
$$;

DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['runtime_login(text)', 'runtime_resolve_operator(text, text, text)',
                             'runtime_require_operator(text, text, text)', 'runtime_authorize(text, text, text, text)',
                             'runtime_record_refusal(text, text, text, text, text, jsonb, jsonb, text)',
                             'runtime_control_strategy(text, text, text, text, text, text, text, jsonb, jsonb)',
                             'runtime_acknowledge_risk_event(text, text, bigint)',
                             'runtime_deploy_strategy(text, text, jsonb, jsonb, jsonb, numeric, numeric, jsonb, boolean)',
                             'runtime_guard_trading_mode()', 'refresh_strategy_performance_daily()',
                             'refresh_market_rollups()', 'runtime_maintain_partitions(timestamptz)'] LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
    EXECUTE 'GRANT EXECUTE ON FUNCTION refresh_strategy_performance_daily(), refresh_market_rollups(), '
         || 'runtime_maintain_partitions(timestamptz) TO runtime_host';
    -- A replay rolls its own range up (from the logged rows alone).
    EXECUTE 'GRANT EXECUTE ON FUNCTION refresh_strategy_performance_daily(), refresh_market_rollups() TO runtime_trader';
    -- Any login may ask whether it may do something and have its refusal recorded (so a login
    -- that is not a user is told what to do, and audited); the changing functions check the
    -- permission themselves, so every group may call them.
    EXECUTE 'GRANT EXECUTE ON FUNCTION runtime_login(text), runtime_authorize(text, text, text, text), '
         || 'runtime_record_refusal(text, text, text, text, text, jsonb, jsonb, text) TO PUBLIC';
    EXECUTE 'GRANT SELECT ON schema_migrations TO PUBLIC';
    EXECUTE 'GRANT EXECUTE ON FUNCTION '
         || 'runtime_control_strategy(text, text, text, text, text, text, text, jsonb, jsonb), '
         || 'runtime_acknowledge_risk_event(text, text, bigint), '
         || 'runtime_deploy_strategy(text, text, jsonb, jsonb, jsonb, numeric, numeric, jsonb, boolean), '
         || 'runtime_guard_trading_mode() TO runtime_viewer';
END
$$;
