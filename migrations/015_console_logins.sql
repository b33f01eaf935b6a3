-- 015 (both flavors): the operations console (`runtime web`, issue 22) logs operators in with a
-- password and acts for them through the same operator functions as the CLI.
--
-- Passwords: bcrypt hashes live in user_credentials, not in users, because every role reads
-- users (013 grants SELECT on all tables to runtime_viewer) and a hash must be readable by no
-- one but the functions below. `runtime users passwd NAME` sets one through
-- runtime_set_password (an operator for themselves, an admin for anyone).
--
-- Two-factor: users.two_factor_enabled is honoured with TOTP (RFC 6238, 30 s, 6 digits). The
-- secret lives beside the hash; `runtime users totp NAME` enrols one (and sets the flag) through
-- runtime_set_totp; a code's time step is used once (totp_last_step), so a code seen is spent.
--
-- Identity: runtime_login (013) trusted the operator name the runtime passes only from a
-- superuser session (the embedded cluster). It now also trusts a member of runtime_console: the
-- group of the console's own login role on a shared server, which checks a password before it
-- speaks for anyone. Grant it to that one login role only (GRANT runtime_console TO console_login);
-- a member can act for every user, admins included, exactly like the superuser of the embedded
-- cluster. runtime_admin is deliberately not a member.
--
-- Where a request came from: audit rows written in a transaction that set the settings
-- runtime.client_ip and runtime.user_agent (set_config(..., true)) get them as ip_address and
-- user_agent, so the operator functions of 013 record the console's caller without a change of
-- signature. A malformed address is left out rather than failing the audit row.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'runtime_console') THEN
        BEGIN
            CREATE ROLE runtime_console NOLOGIN;
        EXCEPTION WHEN OTHERS THEN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'runtime_console') THEN RAISE; END IF;
        END;
    END IF;
    IF NOT pg_has_role('runtime_console', 'runtime_viewer', 'MEMBER') THEN
        GRANT runtime_viewer TO runtime_console;
    END IF;
END
$$;

CREATE TABLE user_credentials (
    user_id        UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash  TEXT NOT NULL CHECK (password_hash LIKE '$2%'),
    totp_secret    TEXT CHECK (length(totp_secret) >= 16),
    totp_last_step BIGINT,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- 013's default privileges gave every group SELECT on new tables: not this one.
REVOKE ALL ON user_credentials FROM PUBLIC, runtime_viewer, runtime_admin;

CREATE OR REPLACE FUNCTION runtime_login(p_identity text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF p_identity IS NULL OR p_identity = session_user THEN RETURN session_user; END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper) THEN RETURN p_identity; END IF;
    IF pg_has_role(session_user, 'runtime_console', 'MEMBER') THEN RETURN p_identity; END IF;
    RAISE EXCEPTION 'the login role % cannot speak for the operator %', session_user, p_identity
        USING ERRCODE = 'insufficient_privilege', HINT = 'log in as your own PostgreSQL role';
END
$$;

-- Fills an audit row's ip_address and user_agent from the transaction's request settings.
CREATE FUNCTION runtime_audit_request_origin() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_ip text := nullif(current_setting('runtime.client_ip', true), '');
    v_agent text := nullif(current_setting('runtime.user_agent', true), '');
BEGIN
    IF NEW.ip_address IS NULL AND v_ip IS NOT NULL THEN
        BEGIN
            NEW.ip_address := v_ip::inet;
        EXCEPTION WHEN invalid_text_representation THEN
            NEW.ip_address := NULL;
        END;
    END IF;
    IF NEW.user_agent IS NULL AND v_agent IS NOT NULL THEN NEW.user_agent := left(v_agent, 500); END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_logs_request_origin BEFORE INSERT ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION runtime_audit_request_origin();

-- What the console needs to check a login: the user, whether they may log in, and their hash
-- (NULL when no password is set). Only the console's group (and the superuser) may ask.
CREATE FUNCTION runtime_console_credentials(p_username text,
    OUT user_id uuid, OUT username text, OUT role text, OUT is_active boolean, OUT two_factor_enabled boolean, OUT password_hash text,
    OUT totp_secret text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id, u.username, u.role, u.is_active, u.two_factor_enabled, c.password_hash, c.totp_secret
    FROM users u LEFT JOIN user_credentials c ON c.user_id = u.id
    WHERE u.username = p_username
$$;

-- A login attempt's audit row (action user.login; success or the reason of the failure) and, on
-- success, users.last_login. p_username may name no user (the row then has no user_id).
CREATE FUNCTION runtime_console_record_login(p_username text, p_success boolean, p_error text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_id uuid := (SELECT id FROM users WHERE username = p_username);
BEGIN
    IF p_success THEN
        UPDATE users SET last_login = now() WHERE id = v_id;
    END IF;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value, success, error_message)
    VALUES (v_id, 'user.login', 'user', left(p_username, 100), jsonb_build_object('via', 'console'),
            p_success, CASE WHEN p_success THEN NULL ELSE coalesce(p_error, 'refused') END);
END
$$;

-- The operator changing p_username's credentials: p_username themselves (any role), or an admin
-- (manage_users) for anyone. Refusals raise, as runtime_require_operator does.
CREATE FUNCTION runtime_require_self_or_user_manager(p_identity text, p_acting text, p_username text) RETURNS users
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
    IF coalesce(p_acting, '') IN ('', runtime_login(p_identity)) AND p_username = runtime_login(p_identity) THEN
        RETURN runtime_require_operator(p_identity, NULL, 'read');
    END IF;
    RETURN runtime_require_operator(p_identity, NULL, 'manage_users');
END
$$;

-- Sets p_username's password hash (the runtime hashes; the database never sees the password):
-- an operator for themselves, an admin (manage_users) for anyone. Returns 'unknown_user' or
-- NULL when set; audited as user.password without the hash.
CREATE FUNCTION runtime_set_password(p_identity text, p_acting text, p_username text, p_hash text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor users;
    v_target users;
BEGIN
    v_actor := runtime_require_self_or_user_manager(p_identity, p_acting, p_username);
    SELECT * INTO v_target FROM users WHERE username = p_username;
    IF NOT FOUND THEN RETURN 'unknown_user'; END IF;
    INSERT INTO user_credentials (user_id, password_hash) VALUES (v_target.id, p_hash)
    ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now();
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value)
    VALUES (v_actor.id, 'user.password', 'user', p_username, jsonb_build_object('password', 'set', 'by', v_actor.username));
    RETURN NULL;
END
$$;

-- Enrols (p_secret) or removes (NULL) p_username's TOTP secret and sets two_factor_enabled to
-- match; the same authority as runtime_set_password. Returns 'unknown_user', 'no_password' (set
-- a password first) or NULL when done; audited as user.two_factor without the secret.
CREATE FUNCTION runtime_set_totp(p_identity text, p_acting text, p_username text, p_secret text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor users;
    v_target users;
BEGIN
    v_actor := runtime_require_self_or_user_manager(p_identity, p_acting, p_username);
    SELECT * INTO v_target FROM users WHERE username = p_username;
    IF NOT FOUND THEN RETURN 'unknown_user'; END IF;
    UPDATE user_credentials SET totp_secret = p_secret, totp_last_step = NULL, updated_at = now() WHERE user_id = v_target.id;
    IF NOT FOUND THEN RETURN 'no_password'; END IF;
    UPDATE users SET two_factor_enabled = (p_secret IS NOT NULL), updated_at = now() WHERE id = v_target.id;
    INSERT INTO audit_logs (user_id, action, resource_type, resource_id, new_value)
    VALUES (v_actor.id, 'user.two_factor', 'user', p_username,
            jsonb_build_object('two_factor_enabled', p_secret IS NOT NULL, 'by', v_actor.username));
    RETURN NULL;
END
$$;

-- Spends a TOTP time step of p_username: true when it is later than the last one spent (so each
-- code logs in once), false for a replay.
CREATE FUNCTION runtime_console_use_totp_step(p_username text, p_step bigint) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH spent AS (
        UPDATE user_credentials c SET totp_last_step = p_step
        FROM users u
        WHERE u.id = c.user_id AND u.username = p_username AND (c.totp_last_step IS NULL OR c.totp_last_step < p_step)
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM spent)
$$;

REVOKE ALL ON FUNCTION runtime_console_credentials(text), runtime_console_record_login(text, boolean, text),
    runtime_set_password(text, text, text, text), runtime_audit_request_origin(), runtime_set_totp(text, text, text, text),
    runtime_console_use_totp_step(text, bigint), runtime_require_self_or_user_manager(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION runtime_console_credentials(text), runtime_console_record_login(text, boolean, text),
    runtime_console_use_totp_step(text, bigint) TO runtime_console;
GRANT EXECUTE ON FUNCTION runtime_set_password(text, text, text, text), runtime_set_totp(text, text, text, text) TO runtime_viewer;
-- The trigger runs as whoever inserts into audit_logs.
GRANT EXECUTE ON FUNCTION runtime_audit_request_origin() TO runtime_viewer;
