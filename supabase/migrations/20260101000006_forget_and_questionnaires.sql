-- depends: 0005_row_level_security
-- Taking back and forgetting: new event actions (unlike, unrate, forget), saved questionnaires,
-- and the functions that do each in one transaction (the Supabase backend calls them over RPC).

ALTER TABLE interaction_events DROP CONSTRAINT IF EXISTS interaction_events_action_type_check;
ALTER TABLE interaction_events ADD CONSTRAINT interaction_events_action_type_check
    CHECK (action_type IN ('like', 'rate', 'unlike', 'unrate', 'forget'));

-- One saved questionnaire per runner (the newest replaces the older one).
CREATE TABLE IF NOT EXISTS saved_questionnaires (
    user_id   BIGINT PRIMARY KEY CHECK (user_id > 0),
    shoe_type TEXT NOT NULL CHECK (shoe_type IN ('road', 'trail')),
    answers   JSONB NOT NULL,
    saved_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Bumps the shared CT counter by one changed interaction; true for exactly one call per crossing.
CREATE OR REPLACE FUNCTION bump_ct_counter(p_threshold INTEGER)
RETURNS TABLE (ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_pending INTEGER;
BEGIN
    UPDATE ct_state c
       SET pending = CASE WHEN c.pending + 1 >= p_threshold THEN 0 ELSE c.pending + 1 END,
           rebuilds_claimed = c.rebuilds_claimed + CASE WHEN c.pending + 1 >= p_threshold THEN 1 ELSE 0 END,
           updated_at = now()
     WHERE c.id = 1
    RETURNING c.pending INTO v_pending;
    RETURN QUERY SELECT v_pending, v_pending = 0;
END;
$$;

-- Removes one like (p_action 'unlike') or one rating ('unrate') and records it as an event.
-- changed = false when there was nothing to remove: no event then.
CREATE OR REPLACE FUNCTION delete_interaction(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_threshold INTEGER
) RETURNS TABLE (event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_event   BIGINT := 0;
    v_value   SMALLINT;
    v_found   BOOLEAN;
    v_pending INTEGER;
    v_claimed BOOLEAN;
BEGIN
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
        SELECT c.pending INTO v_pending FROM ct_state c WHERE c.id = 1;
        RETURN QUERY SELECT 0::BIGINT, FALSE, v_pending, FALSE;
        RETURN;
    END IF;

    -- the counter's row lock first, as record_interaction() does: event ids commit in counter order
    PERFORM 1 FROM ct_state c WHERE c.id = 1 FOR UPDATE;
    INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
    VALUES (p_user_id, p_shoe_id, p_action, v_value)
    RETURNING interaction_events.event_id INTO v_event;
    SELECT b.ct_pending, b.rebuild_claimed INTO v_pending, v_claimed FROM bump_ct_counter(p_threshold) b;
    RETURN QUERY SELECT v_event, TRUE, v_pending, v_claimed;
END;
$$;

-- Forgets a runner: favorites, reviews, their event rows and the saved questionnaire, in one
-- transaction. One 'forget' event (user id and time only) is left so that continuous training
-- re-reads the runner and drops their row from the next CF version.
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
    DELETE FROM favorites f WHERE f.user_id = p_user_id;
    GET DIAGNOSTICS v_fav = ROW_COUNT;
    DELETE FROM reviews r WHERE r.user_id = p_user_id;
    GET DIAGNOSTICS v_rev = ROW_COUNT;
    DELETE FROM interaction_events e WHERE e.user_id = p_user_id AND e.action_type <> 'forget';
    GET DIAGNOSTICS v_evt = ROW_COUNT;
    DELETE FROM saved_questionnaires s WHERE s.user_id = p_user_id;
    GET DIAGNOSTICS v_q = ROW_COUNT;
    IF v_fav + v_rev > 0 THEN
        PERFORM 1 FROM ct_state c WHERE c.id = 1 FOR UPDATE;
        INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
        VALUES (p_user_id, '', 'forget', NULL)
        RETURNING interaction_events.event_id INTO v_event;
        SELECT b.ct_pending, b.rebuild_claimed INTO v_pending, v_claimed FROM bump_ct_counter(p_threshold) b;
    ELSE
        SELECT c.pending INTO v_pending FROM ct_state c WHERE c.id = 1;
    END IF;
    RETURN QUERY SELECT v_fav, v_rev, v_evt, v_q, v_event, v_pending, v_claimed;
END;
$$;

-- The event replay continuous training reads: per (runner, shoe, like-or-rating) the newest event
-- decides; an unlike/unrate as the newest means the interaction is gone; a forget marker has no shoe.
CREATE OR REPLACE FUNCTION interactions_as_of(p_watermark BIGINT, p_user_ids BIGINT[] DEFAULT NULL)
RETURNS TABLE (user_id BIGINT, shoe_id TEXT, action_type TEXT, value SMALLINT)
LANGUAGE sql STABLE AS $$
    SELECT n.user_id, n.shoe_id, n.action_type, n.value
      FROM (
        SELECT DISTINCT ON (e.user_id, e.shoe_id, replace(e.action_type, 'un', ''))
               e.user_id, e.shoe_id, e.action_type, e.value
          FROM interaction_events e
         WHERE e.event_id <= p_watermark AND (p_user_ids IS NULL OR e.user_id = ANY (p_user_ids))
           AND e.action_type <> 'forget'
         ORDER BY e.user_id, e.shoe_id, replace(e.action_type, 'un', ''), e.event_id DESC
      ) n
     WHERE n.action_type IN ('like', 'rate')
$$;

-- The same lockdown as 0005 for what this migration creates: RLS on saved_questionnaires, and the
-- new functions callable only by the owner and the service role (PostgreSQL grants EXECUTE to PUBLIC).
DO $$
DECLARE
    r text;
BEGIN
    ALTER TABLE saved_questionnaires ENABLE ROW LEVEL SECURITY;
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON saved_questionnaires FROM %I', r);
            EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO service_role', current_schema());
    END IF;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '6')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
