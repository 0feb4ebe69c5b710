-- Release 1.0's schema for PostgreSQL / Supabase, written so that it is a no-op on a database that
-- release created (IF NOT EXISTS, ON CONFLICT, CREATE OR REPLACE): such a database is adopted as
-- schema version 1.

CREATE TABLE IF NOT EXISTS shoes (
    shoe_id      TEXT PRIMARY KEY,
    shoe_type    TEXT NOT NULL CHECK (shoe_type IN ('road', 'trail')),
    name         TEXT NOT NULL,
    brand        TEXT NOT NULL,
    release_year INTEGER,
    spec_source  TEXT,
    features     JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS shoes_type_idx ON shoes (shoe_type, shoe_id);

-- Liking twice is still one like.
CREATE TABLE IF NOT EXISTS favorites (
    user_id    BIGINT NOT NULL CHECK (user_id > 0),
    shoe_id    TEXT NOT NULL REFERENCES shoes (shoe_id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, shoe_id)
);

-- Rating again replaces the earlier rating.
CREATE TABLE IF NOT EXISTS reviews (
    user_id    BIGINT NOT NULL CHECK (user_id > 0),
    shoe_id    TEXT NOT NULL REFERENCES shoes (shoe_id),
    rating     SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, shoe_id)
);

-- Append-only log of every change: gives continuous training a global counter and lets a
-- snapshot be brought up to date by re-reading only the users who changed since it was built.
CREATE TABLE IF NOT EXISTS interaction_events (
    event_id    BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    shoe_id     TEXT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('like', 'rate')),
    value       SMALLINT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS interaction_events_user_idx ON interaction_events (user_id, event_id);

-- One row: the continuous-training counter shared by every worker.
CREATE TABLE IF NOT EXISTS ct_state (
    id               SMALLINT PRIMARY KEY CHECK (id = 1),
    pending          INTEGER NOT NULL DEFAULT 0,
    rebuilds_claimed BIGINT NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO ct_state (id) VALUES (1) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Records one like or rating atomically: the interaction, its event, and the CT counter.
-- changed = false when nothing changed (a repeated like, the same rating again): no event then.
-- rebuild_claimed = true for exactly one call per threshold crossing (the row lock on ct_state
-- serialises the counter, so concurrent workers cannot both claim the same crossing).
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

INSERT INTO store_meta (key, value) VALUES ('schema_version', '1')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
