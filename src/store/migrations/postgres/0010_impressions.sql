-- depends: 0009_cf_artifacts
-- Online evaluation (docs/online_evaluation.md): what was shown to whom, and the metrics computed from it.
-- One row per served page: the shoes in order (comma-separated; positions first_position, +1, ...),
-- where they came from, the model version and A/B arm that served them, and when (unix seconds).
CREATE TABLE IF NOT EXISTS impressions (
    impression_id  BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL CHECK (user_id > 0),
    shown_at       DOUBLE PRECISION NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('collaborative', 'popular', 'questionnaire')),
    model_version  TEXT,
    arm            TEXT NOT NULL,
    first_position INTEGER NOT NULL CHECK (first_position >= 1),
    shoe_ids       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS impressions_user_idx ON impressions (user_id, impression_id);
CREATE INDEX IF NOT EXISTS impressions_time_idx ON impressions (shown_at);
-- When each runner was last forgotten: a page shown before that and still in a worker's buffer
-- (written up to IMPRESSION_FLUSH_S later) is not recorded (the id and a time, nothing else).
CREATE TABLE IF NOT EXISTS forgotten_runners (
    user_id      BIGINT PRIMARY KEY,
    forgotten_at DOUBLE PRECISION NOT NULL
);
-- The metrics the CT process computes, newest last (GET /v1/admin/online-metrics).
CREATE TABLE IF NOT EXISTS online_metric_reports (
    report_id   BIGSERIAL PRIMARY KEY,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    body        JSONB NOT NULL
);

-- forget_user() as in 0007, and the runner's impressions go in the same transaction (and the time
-- is noted in forgotten_runners, so pages still buffered in a worker are not written afterwards).
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
    PERFORM 1 FROM ct_state c WHERE c.id = 1 FOR UPDATE;
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
        SELECT b.ct_pending, b.rebuild_claimed INTO v_pending, v_claimed FROM bump_ct_counter(p_threshold) b;
    ELSE
        SELECT c.pending INTO v_pending FROM ct_state c WHERE c.id = 1;
    END IF;
    RETURN QUERY SELECT v_fav, v_rev, v_evt, v_q, v_event, v_pending, v_claimed;
END;
$$;

-- The same lockdown as 0005/0006 for the new tables and the replaced function.
DO $$
DECLARE
    r text;
BEGIN
    ALTER TABLE impressions ENABLE ROW LEVEL SECURITY;
    ALTER TABLE online_metric_reports ENABLE ROW LEVEL SECURITY;
    ALTER TABLE forgotten_runners ENABLE ROW LEVEL SECURITY;
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON impressions, online_metric_reports, forgotten_runners FROM %I', r);
            EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM %I', current_schema(), r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO service_role', current_schema());
    END IF;
END
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '10')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
