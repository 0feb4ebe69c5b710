-- depends: 0003_interact_one_round_trip
-- Event-log compaction (Store.compact_events): once a published CF version covers an event, only the
-- newest event per runner and shoe is kept; this index finds those newest events.
CREATE INDEX IF NOT EXISTS interaction_events_pair_idx ON interaction_events (user_id, shoe_id, event_id);
INSERT OR IGNORE INTO store_meta (key, value) VALUES ('events_compacted_through', '0');
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', '4');
