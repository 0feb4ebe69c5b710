-- depends: 0002_ct_versions
-- One round trip per POST /interact: record the interaction (record_interaction(), unchanged: the
-- interaction, its event and the CT counter in one transaction) and return the runner's rows and
-- newest event id as the same statement sees them after the write. Called as one statement in
-- autocommit mode, so it commits before the service answers, exactly like the two-statement form.

-- A runner's stored interactions in one row: liked shoes, rated shoes with their stars (same
-- order), and the id of their newest event (0 if none).
CREATE OR REPLACE FUNCTION user_interactions(p_user_id BIGINT)
RETURNS TABLE (last_event_id BIGINT, liked TEXT[], rated TEXT[], ratings SMALLINT[])
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT MAX(e.event_id) FROM interaction_events e WHERE e.user_id = p_user_id), 0),
           ARRAY(SELECT f.shoe_id FROM favorites f WHERE f.user_id = p_user_id ORDER BY f.shoe_id),
           ARRAY(SELECT r.shoe_id FROM reviews r WHERE r.user_id = p_user_id ORDER BY r.shoe_id),
           ARRAY(SELECT r.rating FROM reviews r WHERE r.user_id = p_user_id ORDER BY r.shoe_id);
$$;

CREATE OR REPLACE FUNCTION record_interaction_returning_user(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_value INTEGER, p_threshold INTEGER
) RETURNS TABLE (
    event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN,
    last_event_id BIGINT, liked TEXT[], rated TEXT[], ratings SMALLINT[]
)
LANGUAGE plpgsql AS $$
DECLARE
    w RECORD;
    u RECORD;
BEGIN
    SELECT * INTO w FROM record_interaction(p_user_id, p_shoe_id, p_action, p_value, p_threshold);
    SELECT * INTO u FROM user_interactions(p_user_id);
    RETURN QUERY SELECT w.event_id, w.changed, w.ct_pending, w.rebuild_claimed,
                        u.last_event_id, u.liked, u.rated, u.ratings;
END;
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '3')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
