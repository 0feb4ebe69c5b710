-- depends: 0012_writes_without_a_shared_row
-- A worker keeps its recent runners' states (RunnerStates in src/store/rows.py): a state stands for
-- the store while the runner's newest event id is still the state's. These two functions take that
-- id (p_known; -1 when the worker keeps nothing) and send the runner's rows back only when the
-- store's newest id differs. A heavy runner's hundreds of shoe ids then cross the wire once, not on
-- every like and every feed read; the worker applies its own write to its kept state instead.

-- user_interactions() unless the runner's newest event is p_known: then only that id, and NULLs.
CREATE OR REPLACE FUNCTION user_interactions_unless(p_user_id BIGINT, p_known BIGINT)
RETURNS TABLE (last_event_id BIGINT, liked TEXT[], rated TEXT[], ratings SMALLINT[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_last BIGINT;
BEGIN
    v_last := COALESCE((SELECT MAX(e.event_id) FROM interaction_events e WHERE e.user_id = p_user_id), 0);
    IF v_last = p_known THEN
        RETURN QUERY SELECT v_last, NULL::TEXT[], NULL::TEXT[], NULL::SMALLINT[];
    ELSE
        RETURN QUERY SELECT * FROM user_interactions(p_user_id);  -- one statement: rows and id agree
    END IF;
END;
$$;

-- record_interaction(), with the runner's newest event id before the write (previous_event_id,
-- read under the runner's lock, so none of their writes lands between it and this one), and their
-- rows after it unless previous_event_id is p_known (the worker applies the write to its state).
CREATE OR REPLACE FUNCTION record_interaction_unless(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_value INTEGER, p_threshold INTEGER, p_known BIGINT
) RETURNS TABLE (
    event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN,
    previous_event_id BIGINT, last_event_id BIGINT, liked TEXT[], rated TEXT[], ratings SMALLINT[]
)
LANGUAGE plpgsql AS $$
DECLARE
    w          RECORD;
    u          RECORD;
    v_previous BIGINT;
BEGIN
    PERFORM lock_event_writer(p_user_id);  -- record_interaction() takes it again: advisory locks nest
    v_previous := COALESCE((SELECT MAX(e.event_id) FROM interaction_events e WHERE e.user_id = p_user_id), 0);
    SELECT * INTO w FROM record_interaction(p_user_id, p_shoe_id, p_action, p_value, p_threshold);
    IF v_previous = p_known THEN
        RETURN QUERY SELECT w.event_id, w.changed, w.ct_pending, w.rebuild_claimed, v_previous,
                            NULL::BIGINT, NULL::TEXT[], NULL::TEXT[], NULL::SMALLINT[];
    ELSE
        SELECT * INTO u FROM user_interactions(p_user_id);
        RETURN QUERY SELECT w.event_id, w.changed, w.ct_pending, w.rebuild_claimed, v_previous,
                            u.last_event_id, u.liked, u.rated, u.ratings;
    END IF;
END;
$$;

-- The same lockdown as 0012 for the new functions.
DO $$
DECLARE
    r text;
BEGIN
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO service_role', current_schema());
    END IF;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '13')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
