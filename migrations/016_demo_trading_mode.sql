-- 016 (every flavor): trading mode `demo`, OKX's demo trading (its real matching engine with
-- simulated funds). Its rows are neither paper rows (the runtime did not match them) nor live
-- ones (no money moved), so every table that carries a mode accepts it, and a restarted demo host
-- resumes its own positions and risk marks, never a paper or live host's.
--
-- An operator's halt records its risk event in the mode the strategy is trading in: that of the
-- host running it (a heartbeat in the last 5 minutes; a replay is not trading), else the deployed
-- mode. A demo strategy's halt is not a paper event.

-- Trading real money is its own permission, an admin's (`runtime run --live`), so that granting
-- run_host to another role never grants live trading with it.
INSERT INTO operator_grants (permission, role) VALUES ('run_live', 'admin');

ALTER TABLE trades DROP CONSTRAINT trades_mode_check,
    ADD CONSTRAINT trades_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE positions DROP CONSTRAINT positions_mode_check,
    ADD CONSTRAINT positions_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE strategy_performance DROP CONSTRAINT strategy_performance_mode_check,
    ADD CONSTRAINT strategy_performance_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE strategy_performance_daily DROP CONSTRAINT strategy_performance_daily_mode_check,
    ADD CONSTRAINT strategy_performance_daily_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE risk_events DROP CONSTRAINT risk_events_mode_check,
    ADD CONSTRAINT risk_events_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE hosts DROP CONSTRAINT hosts_mode_check,
    ADD CONSTRAINT hosts_mode_check CHECK (mode IN ('live', 'demo', 'paper', 'replay'));
ALTER TABLE strategy_risk_monitors DROP CONSTRAINT strategy_risk_monitors_mode_check,
    ADD CONSTRAINT strategy_risk_monitors_mode_check CHECK (mode IN ('live', 'demo', 'paper'));

CREATE OR REPLACE FUNCTION runtime_control_strategy(p_identity text, p_acting text, p_command text, p_strategy text,
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
    v_running_mode text;
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
        SELECT h.mode INTO v_running_mode FROM hosts h
        WHERE h.stopped_at IS NULL AND h.mode <> 'replay' AND h.last_heartbeat > now() - interval '5 minutes' AND p_strategy = ANY (h.strategies)
        ORDER BY h.last_heartbeat DESC LIMIT 1;
        INSERT INTO risk_events (event_type, severity, strategy_id, description, action_taken, mode)
        VALUES ('state_change', 'critical', v_row.id,
                format('halted by %s (%s): %s -> halted', v_user.username, v_user.role, v_row.status)
                    || coalesce('; reason: ' || p_reason, ''),
                'halted', coalesce(v_running_mode, CASE v_mode WHEN 'paper' THEN 'paper' ELSE 'live' END))
        RETURNING id INTO event_id;
    END IF;
    PERFORM pg_notify('strategy_control', p_strategy);
END
$$;
