-- depends: 0011_impression_page_key
-- Writes no longer queue on one row. Until now every like, rating, take-back and forget locked the
-- ct_state row (to count towards CT, and so that event ids committed in id order) and held that
-- lock through its commit's WAL flush: each write of every replica waited for the previous one to
-- reach the disk (pgbench, 16 clients, the same three statements: 201 commits/s with the shared
-- row, 1,850 without). Now:
-- - the CT counter is read off the event ids above counted_from (every id is one changed
--   interaction): pending = their count mod threshold, claims = their count div threshold. An id
--   lost to a rolled-back transaction only moves a claim by one interaction;
-- - event ids still come with an exact watermark: every event writer holds a shared advisory lock
--   from before it draws its id until it commits, and newest_settled_event_id() takes that lock
--   exclusively for an instant, so no id below the one it returns is still uncommitted;
-- - one runner's writes are serialised by a per-runner advisory lock: their own events commit in
--   id order (a cached feed is checked against the runner's newest event id), and forget_user()
--   shuts out that runner's writes without stopping anyone else's.

-- counted_from: events at or below it do not count (the demo runners seeded with the catalog; at
-- this upgrade, all but the pending ones, so the counter carries on where it was).
ALTER TABLE ct_state RENAME TO ct_settings;
ALTER TABLE ct_settings ADD COLUMN threshold INTEGER NOT NULL DEFAULT 50 CHECK (threshold >= 1);
ALTER TABLE ct_settings ADD COLUMN counted_from BIGINT NOT NULL DEFAULT 0;
UPDATE ct_settings s
   SET counted_from = GREATEST(0, (SELECT COALESCE(MAX(e.event_id), 0) FROM interaction_events e) - s.pending);
ALTER TABLE ct_settings DROP COLUMN pending;
ALTER TABLE ct_settings DROP COLUMN rebuilds_claimed;
UPDATE ct_control SET claims_handled = 0;  -- the claims are counted afresh from here

-- What the counter row used to hold, with the same columns, derived from the newest event id.
CREATE VIEW ct_state WITH (security_invoker = true) AS
SELECT s.id,
       (m.counted % s.threshold)::INTEGER AS pending,
       m.counted / s.threshold AS rebuilds_claimed,
       s.threshold,
       s.updated_at
  FROM ct_settings s
 CROSS JOIN LATERAL (
     SELECT GREATEST(0, COALESCE(MAX(e.event_id), 0) - s.counted_from) AS counted FROM interaction_events e
 ) m;

-- The writers' shared lock and the per-runner lock (two-integer advisory keys: a namespace, then 0
-- or the runner folded into an int4; two runners sharing a key only wait for each other).
CREATE OR REPLACE FUNCTION lock_event_writer(p_user_id BIGINT) RETURNS VOID
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock_shared(1397706313, 0);
    SELECT pg_advisory_xact_lock(1397706314, (p_user_id % 2147483647)::INTEGER);
$$;

-- The newest event id with no uncommitted id below it: the CT process's watermark.
CREATE OR REPLACE FUNCTION newest_settled_event_id() RETURNS BIGINT
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1397706313, 0);  -- waits for the writers in flight, then lets go
    RETURN (SELECT COALESCE(MAX(e.event_id), 0) FROM interaction_events e);
END;
$$;

-- What one changed interaction with event id p_event does to the counter (threshold p_threshold,
-- which the writers pass and ct_settings keeps for readers).
-- A new threshold restarts the claims: the claims handled become the claims as now counted, so the
-- next crossing is the next claim (claims counted in the old threshold's units would otherwise stay
-- above or below them for a long time).
CREATE OR REPLACE FUNCTION ct_progress(p_event BIGINT, p_threshold INTEGER)
RETURNS TABLE (ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ct_settings c SET threshold = p_threshold, updated_at = now()
     WHERE c.id = 1 AND c.threshold <> p_threshold;  -- no row lock unless it changed
    IF FOUND THEN
        UPDATE ct_control c SET claims_handled = s.rebuilds_claimed FROM ct_state s WHERE c.id = 1 AND s.id = 1;
    END IF;
    RETURN QUERY SELECT ((p_event - c.counted_from) % p_threshold)::INTEGER,
                        (p_event - c.counted_from) % p_threshold = 0
                   FROM ct_settings c WHERE c.id = 1;
END;
$$;
DROP FUNCTION IF EXISTS bump_ct_counter(INTEGER);

CREATE OR REPLACE FUNCTION record_interaction(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_value INTEGER, p_threshold INTEGER
) RETURNS TABLE (event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_changed BOOLEAN;
    v_event   BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM shoes s WHERE s.shoe_id = p_shoe_id) THEN
        RAISE EXCEPTION 'unknown shoe_id %', p_shoe_id USING ERRCODE = 'P0002';
    END IF;
    PERFORM lock_event_writer(p_user_id);
    IF p_action = 'like' THEN
        INSERT INTO favorites (user_id, shoe_id) VALUES (p_user_id, p_shoe_id)
        ON CONFLICT DO NOTHING;
        v_changed := FOUND;
    ELSIF p_action = 'rate' THEN
        INSERT INTO reviews (user_id, shoe_id, rating) VALUES (p_user_id, p_shoe_id, p_value)
        ON CONFLICT (user_id, shoe_id) DO UPDATE
            SET rating = EXCLUDED.rating, created_at = now()
            WHERE reviews.rating IS DISTINCT FROM EXCLUDED.rating;
        v_changed := FOUND;
    ELSE
        RAISE EXCEPTION 'unknown action_type %', p_action USING ERRCODE = '22023';
    END IF;

    IF NOT v_changed THEN
        RETURN QUERY SELECT 0::BIGINT, FALSE, c.pending, FALSE FROM ct_state c WHERE c.id = 1;
        RETURN;
    END IF;
    INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
    VALUES (p_user_id, p_shoe_id, p_action, p_value)
    RETURNING interaction_events.event_id INTO v_event;
    RETURN QUERY SELECT v_event, TRUE, p.ct_pending, p.rebuild_claimed FROM ct_progress(v_event, p_threshold) p;
END;
$$;

CREATE OR REPLACE FUNCTION delete_interaction(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_threshold INTEGER
) RETURNS TABLE (event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_event BIGINT;
    v_value SMALLINT;
    v_found BOOLEAN;
BEGIN
    PERFORM lock_event_writer(p_user_id);
    IF p_action = 'unlike' THEN
        DELETE FROM favorites f WHERE f.user_id = p_user_id AND f.shoe_id = p_shoe_id;
        v_found := FOUND;
    ELSIF p_action = 'unrate' THEN
        DELETE FROM reviews r WHERE r.user_id = p_user_id AND r.shoe_id = p_shoe_id
        RETURNING r.rating INTO v_value;
        v_found := FOUND;
    ELSE
        RAISE EXCEPTION 'unknown action_type %', p_action USING ERRCODE = '22023';
    END IF;

    IF NOT v_found THEN
        RETURN QUERY SELECT 0::BIGINT, FALSE, c.pending, FALSE FROM ct_state c WHERE c.id = 1;
        RETURN;
    END IF;
    INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
    VALUES (p_user_id, p_shoe_id, p_action, v_value)
    RETURNING interaction_events.event_id INTO v_event;
    RETURN QUERY SELECT v_event, TRUE, p.ct_pending, p.rebuild_claimed FROM ct_progress(v_event, p_threshold) p;
END;
$$;

-- forget_user() as in 0010; the runner's lock (not every writer's) keeps their likes and ratings
-- out while their rows and events go.
CREATE OR REPLACE FUNCTION forget_user(p_user_id BIGINT, p_threshold INTEGER)
RETURNS TABLE (
    favorites INTEGER, reviews INTEGER, events INTEGER, questionnaires INTEGER,
    event_id BIGINT, ct_pending INTEGER, rebuild_claimed BOOLEAN
)
LANGUAGE plpgsql AS $$
DECLARE
    v_fav     INTEGER;
    v_rev     INTEGER;
    v_evt     INTEGER;
    v_q       INTEGER;
    v_event   BIGINT := 0;
    v_pending INTEGER;
    v_claimed BOOLEAN := FALSE;
BEGIN
    PERFORM lock_event_writer(p_user_id);
    DELETE FROM favorites f WHERE f.user_id = p_user_id;
    GET DIAGNOSTICS v_fav = ROW_COUNT;
    DELETE FROM reviews r WHERE r.user_id = p_user_id;
    GET DIAGNOSTICS v_rev = ROW_COUNT;
    DELETE FROM interaction_events e WHERE e.user_id = p_user_id AND e.action_type <> 'forget';
    GET DIAGNOSTICS v_evt = ROW_COUNT;
    DELETE FROM saved_questionnaires s WHERE s.user_id = p_user_id;
    GET DIAGNOSTICS v_q = ROW_COUNT;
    DELETE FROM impressions i WHERE i.user_id = p_user_id;
    INSERT INTO forgotten_runners AS f (user_id, forgotten_at)
    VALUES (p_user_id, extract(epoch FROM clock_timestamp()))
    ON CONFLICT (user_id) DO UPDATE SET forgotten_at = EXCLUDED.forgotten_at;
    IF v_fav + v_rev > 0 THEN
        INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
        VALUES (p_user_id, '', 'forget', NULL)
        RETURNING interaction_events.event_id INTO v_event;
        SELECT p.ct_pending, p.rebuild_claimed INTO v_pending, v_claimed FROM ct_progress(v_event, p_threshold) p;
    ELSE
        SELECT c.pending INTO v_pending FROM ct_state c WHERE c.id = 1;
    END IF;
    RETURN QUERY SELECT v_fav, v_rev, v_evt, v_q, v_event, v_pending, v_claimed;
END;
$$;

-- The same lockdown as 0005/0006 for the view and the new functions.
DO $$
DECLARE
    r text;
BEGIN
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON ct_state, ct_settings FROM %I', r);
            EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO service_role', current_schema());
        EXECUTE format('GRANT SELECT ON ct_state TO service_role');
    END IF;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '12')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
