-- depends: 0001_initial
-- Continuous training as its own process: versions published through the store (every replica
-- follows the newest published row), claims handled, the admin reload generation, heartbeats, and
-- a record_interaction() whose event ids commit in order. Idempotent like 0001.

-- One row per finished rebuild. Only status = 'published' rows are served; 'refused' (quality
-- gate) and 'failed' (error, timeout) rows say why a claim produced no version.
CREATE TABLE IF NOT EXISTS cf_versions (
    version_id     BIGSERIAL PRIMARY KEY,
    watermark      BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('published', 'refused', 'failed')),
    mode           TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    claims_through BIGINT NOT NULL,
    figures        JSONB NOT NULL,
    reason         TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS cf_versions_status_idx ON cf_versions (status, version_id);

-- One row: how many claims (ct_state.rebuilds_claimed) the CT process has handled, and the admin
-- reload generation every replica watches.
CREATE TABLE IF NOT EXISTS ct_control (
    id                SMALLINT PRIMARY KEY CHECK (id = 1),
    claims_handled    BIGINT NOT NULL DEFAULT 0,
    reload_generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO ct_control (id) VALUES (1) ON CONFLICT (id) DO NOTHING;

-- Heartbeats of every API worker and CT process: what each serves, seen when.
CREATE TABLE IF NOT EXISTS serving_processes (
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('api', 'ct')),
    cf_version BIGINT,
    state      TEXT NOT NULL DEFAULT 'idle',
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (host, pid)
);

-- As in 0001, plus: the ct_state row is locked BEFORE the event is inserted, so event ids are
-- allocated and committed in one order. A version's watermark (the newest event id when it was
-- built) then covers exactly the events at or below it, with no concurrent commit slipping under.
CREATE OR REPLACE FUNCTION record_interaction(
    p_user_id BIGINT, p_shoe_id TEXT, p_action TEXT, p_value INTEGER, p_threshold INTEGER
) RETURNS TABLE (event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    v_changed BOOLEAN;
    v_event   BIGINT := 0;
    v_pending INTEGER;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM shoes s WHERE s.shoe_id = p_shoe_id) THEN
        RAISE EXCEPTION 'unknown shoe_id %', p_shoe_id USING ERRCODE = 'P0002';
    END IF;
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
        SELECT c.pending INTO v_pending FROM ct_state c WHERE c.id = 1;
        RETURN QUERY SELECT 0::BIGINT, FALSE, v_pending, FALSE;
        RETURN;
    END IF;

    PERFORM 1 FROM ct_state c WHERE c.id = 1 FOR UPDATE;
    INSERT INTO interaction_events (user_id, shoe_id, action_type, value)
    VALUES (p_user_id, p_shoe_id, p_action, p_value)
    RETURNING interaction_events.event_id INTO v_event;

    UPDATE ct_state c
       SET pending = CASE WHEN c.pending + 1 >= p_threshold THEN 0 ELSE c.pending + 1 END,
           rebuilds_claimed = c.rebuilds_claimed + CASE WHEN c.pending + 1 >= p_threshold THEN 1 ELSE 0 END,
           updated_at = now()
     WHERE c.id = 1
    RETURNING c.pending INTO v_pending;

    RETURN QUERY SELECT v_event, TRUE, v_pending, v_pending = 0;
END;
$$;

-- What a replica or the CT process polls, in one round trip: claims, the reload generation and
-- the newest published version.
CREATE OR REPLACE FUNCTION ct_poll()
RETURNS TABLE (rebuilds_claimed BIGINT, claims_handled BIGINT, reload_generation BIGINT,
               version_id BIGINT, watermark BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT s.rebuilds_claimed, c.claims_handled, c.reload_generation, v.version_id, v.watermark
      FROM ct_state s
      CROSS JOIN ct_control c
      LEFT JOIN LATERAL (
          SELECT version_id, watermark FROM cf_versions
           WHERE status = 'published' ORDER BY version_id DESC LIMIT 1
      ) v ON TRUE
     WHERE s.id = 1 AND c.id = 1
$$;

-- Records a finished rebuild and marks its claims handled, in one transaction: a CT process
-- killed before this commit leaves no trace, and its claims are served after the restart.
CREATE OR REPLACE FUNCTION record_cf_version(
    p_watermark BIGINT, p_status TEXT, p_mode TEXT, p_claims_through BIGINT, p_figures JSONB, p_reason TEXT
) RETURNS TABLE (version_id BIGINT, created_at TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ct_control c SET claims_handled = GREATEST(c.claims_handled, p_claims_through) WHERE c.id = 1;
    RETURN QUERY
    INSERT INTO cf_versions AS v (watermark, status, mode, claims_through, figures, reason)
    VALUES (p_watermark, p_status, p_mode, p_claims_through, p_figures, p_reason)
    RETURNING v.version_id, v.created_at;
END;
$$;

-- The user's summed scores as of an event id, replayed from the event log (a like counts once,
-- the newest rating before the watermark counts): a version is reproducible on any replica.
CREATE OR REPLACE FUNCTION interactions_as_of(p_watermark BIGINT, p_user_ids BIGINT[] DEFAULT NULL)
RETURNS TABLE (user_id BIGINT, shoe_id TEXT, action_type TEXT, value SMALLINT)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (e.user_id, e.shoe_id, e.action_type) e.user_id, e.shoe_id, e.action_type, e.value
      FROM interaction_events e
     WHERE e.event_id <= p_watermark AND (p_user_ids IS NULL OR e.user_id = ANY (p_user_ids))
     ORDER BY e.user_id, e.shoe_id, e.action_type, e.event_id DESC
$$;

INSERT INTO store_meta (key, value) VALUES ('schema_version', '2')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
