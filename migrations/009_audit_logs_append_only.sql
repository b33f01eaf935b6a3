-- 009 (both flavors): audit_logs is append-only for everyone, the table owner included. Its rows
-- are the record of who did what; a trigger refuses UPDATE, DELETE and TRUNCATE, except inside a
-- migration (the migrator sets runtime.migrating for its transaction). A user with audit rows
-- therefore cannot be deleted (their rows would be updated to user_id NULL): deactivate them.
CREATE FUNCTION audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('runtime.migrating', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit rows are never changed or removed; a correction is a new row';
END
$$;

CREATE TRIGGER audit_logs_append_only_rows BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_append_only_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();
