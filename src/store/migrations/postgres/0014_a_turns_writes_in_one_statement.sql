-- depends: 0013_writes_skip_a_kept_runners_rows
-- The writes that reach one API worker in the same event-loop turn (src/serving/turn_batch.py) go to
-- the store together. Until now they were pipelined record_interaction_unless() calls inside
-- BEGIN ... COMMIT: three round trips, and one statement per write for the client to bind and the
-- server to parse. Now they are one statement: the function below records them in the order given
-- (the caller sorts them by runner, so two batches take the runners' locks in one order and never
-- wait for each other in a cycle) and returns one row per write, in that order. A single statement
-- is its own transaction, so the batch is all-or-nothing as before: an unknown shoe rolls it back
-- and the caller records its writes one at a time.
CREATE OR REPLACE FUNCTION record_interactions_unless(
    p_user_ids BIGINT[], p_shoe_ids TEXT[], p_actions TEXT[], p_values INTEGER[], p_threshold INTEGER,
    p_known BIGINT[]
) RETURNS TABLE (
    event_id BIGINT, changed BOOLEAN, ct_pending INTEGER, rebuild_claimed BOOLEAN,
    previous_event_id BIGINT, last_event_id BIGINT, liked TEXT[], rated TEXT[], ratings SMALLINT[]
)
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(p_shoe_ids) <> cardinality(p_user_ids) OR cardinality(p_actions) <> cardinality(p_user_ids)
       OR cardinality(p_values) <> cardinality(p_user_ids) OR cardinality(p_known) <> cardinality(p_user_ids) THEN
        RAISE EXCEPTION 'record_interactions_unless: the arrays differ in length' USING ERRCODE = '22023';
    END IF;
    FOR i IN 1 .. COALESCE(cardinality(p_user_ids), 0) LOOP
        RETURN QUERY SELECT * FROM record_interaction_unless(
            p_user_ids[i], p_shoe_ids[i], p_actions[i], p_values[i], p_threshold, p_known[i]
        );
    END LOOP;
END;
$$;

-- The same lockdown as 0012 for the new function.
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

INSERT INTO store_meta (key, value) VALUES ('schema_version', '14')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
