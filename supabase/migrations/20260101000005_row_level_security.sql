-- depends: 0004_event_log_compaction
-- Row-level security on every table, and no direct access for Supabase's client roles.
--
-- A Supabase project exposes the public schema through its REST API to the `anon` and
-- `authenticated` roles (the keys a browser holds). With RLS enabled and no policy, those roles see
-- no rows and can change none; their table and function grants are revoked as well, so the only
-- way to write is through this service, which connects as the owner (PostgreSQL URL) or with the
-- service-role key (which bypasses RLS). Idempotent: enabling RLS twice and revoking what was never
-- granted are no-ops; the client roles are touched only where they exist (Supabase).

DO $$
DECLARE
    t record;
    r text;
BEGIN
    FOR t IN
        SELECT c.relname
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    END LOOP;

    -- functions (record_interaction, record_cf_version, ...) write too: only the owner and the
    -- service role may call them
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', current_schema(), r);
            EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', current_schema(), r);
            EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO service_role', current_schema());
    END IF;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '5')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
