-- 017 (both flavors): `runtime sweep --persist` (issue 19, item 4) writes each combination's
-- replay rows (trades, positions, risk events, performance) like a persisted `runtime replay`.
-- trades.strategy_id and positions.strategy_id reference strategies, and a combination is its
-- own strategy (its own parameters, its own positions), so each one gets a strategies row of
-- its own: status 'backtesting', the combination's manifest and parameters, never deployed.
--
-- A trader may not INSERT into strategies (013); this function is the one way a non-admin
-- creates such a row, as runtime_deploy_strategy is for deployments. It checks the operator
-- like the deploy function does (runtime_require_operator): a sweep is a replay, and its row
-- is a strategy definition, so both 'replay' and 'deploy' are required (as shipped both are
-- held by admin and trader; a viewer or risk officer is refused).
--
-- Why the name carries the sweep's tag: client_order_id is UNIQUE over every trades row, and
-- the runtime builds a combination's order ids from the strategy name and the sweep's tag. A tag
-- therefore names one sweep only: a second sweep presenting a tag already used by another
-- (p_sweep ->> 'id' differs) is refused with 'tag_taken', a name already taken with
-- 'name_taken'; the runtime then draws another tag. Refusals come back as values, nothing written.
CREATE FUNCTION runtime_create_sweep_strategy(p_identity text, p_acting text, p_manifest jsonb, p_parameters jsonb,
                                              p_risk_limits jsonb, p_max_position_size numeric, p_max_leverage numeric,
                                              p_sweep jsonb, OUT strategy_id uuid, OUT refusal text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user users := runtime_require_operator(p_identity, p_acting, 'replay');
    v_name text := p_manifest ->> 'name';
    v_tag text := p_sweep ->> 'tag';
BEGIN
    PERFORM runtime_require_operator(p_identity, p_acting, 'deploy');
    IF v_tag IS NULL OR v_tag !~ '^[a-z0-9]{4,16}$' THEN
        RAISE EXCEPTION 'p_sweep.tag must be 4 to 16 lower-case letters or digits, not %', coalesce(v_tag, 'missing')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (p_sweep ->> 'id') IS NULL THEN
        RAISE EXCEPTION 'p_sweep.id is missing: it tells this sweep''s rows from another sweep''s'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_name IS NULL OR position('_' || v_tag || '_' IN v_name) = 0 THEN
        RAISE EXCEPTION 'p_manifest.name % must carry the sweep''s tag _%_ (its order ids are built from both)', coalesce(v_name, 'missing'), v_tag
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Concurrent sweeps that drew the same tag serialize here, so only one of them gets it.
    PERFORM pg_advisory_xact_lock(hashtext('ea-okx.sweep.' || v_tag));
    IF EXISTS (SELECT 1 FROM audit_logs a
               WHERE a.action = 'strategy.sweep' AND a.new_value @> jsonb_build_object('sweep', jsonb_build_object('tag', v_tag))
                 AND a.new_value -> 'sweep' ->> 'id' IS DISTINCT FROM p_sweep ->> 'id') THEN
        refusal := 'tag_taken';
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM strategies s WHERE s.name = v_name) THEN
        refusal := 'name_taken';
        RETURN;
    END IF;
    INSERT INTO strategies (name, strategy_type, version, parameters, risk_limits, symbols, status, allocated_capital,
                            max_position_size, max_leverage, created_by, deployed_at, plugin, manifest)
    VALUES (v_name, p_manifest ->> 'strategy', p_manifest ->> 'version', p_parameters, p_risk_limits,
            ARRAY(SELECT jsonb_array_elements_text(p_manifest -> 'instruments')), 'backtesting',
            (p_manifest ->> 'allocated_capital')::numeric, p_max_position_size, p_max_leverage, v_user.id, NULL,
            p_manifest ->> 'plugin', p_manifest)
    RETURNING id INTO strategy_id;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value)
    VALUES (v_user.id, 'strategy.sweep', 'strategy', v_name,
            p_manifest || jsonb_build_object('status', 'backtesting', 'sweep', p_sweep));
END
$$;

REVOKE ALL ON FUNCTION runtime_create_sweep_strategy(text, text, jsonb, jsonb, jsonb, numeric, numeric, jsonb) FROM PUBLIC;
-- Every group may call it; it checks the permissions itself (as the functions of 013 do).
GRANT EXECUTE ON FUNCTION runtime_create_sweep_strategy(text, text, jsonb, jsonb, jsonb, numeric, numeric, jsonb) TO runtime_viewer;
