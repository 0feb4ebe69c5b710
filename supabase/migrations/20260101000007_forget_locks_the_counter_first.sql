-- depends: 0006_forget_and_questionnaires
-- forget_user() takes the CT counter's row lock before it deletes anything, not after.
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
    -- the counter row first: every write takes it, so no like or rating can commit between the
    -- deletes below (a like landing between the favorites and the events deletes kept its row
    -- and lost its event, invisible to everything built from the event log)
    PERFORM 1 FROM ct_state c WHERE c.id = 1 FOR UPDATE;
    DELETE FROM favorites f WHERE f.user_id = p_user_id;
    GET DIAGNOSTICS v_fav = ROW_COUNT;
    DELETE FROM reviews r WHERE r.user_id = p_user_id;
    GET DIAGNOSTICS v_rev = ROW_COUNT;
    DELETE FROM interaction_events e WHERE e.user_id = p_user_id AND e.action_type <> 'forget';
    GET DIAGNOSTICS v_evt = ROW_COUNT;
    DELETE FROM saved_questionnaires s WHERE s.user_id = p_user_id;
    GET DIAGNOSTICS v_q = ROW_COUNT;
    IF v_fav + v_rev > 0 THEN
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
INSERT INTO store_meta (key, value) VALUES ('schema_version', '7')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
