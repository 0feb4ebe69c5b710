"""The collaborative engine between the process that builds it and the processes that serve it.

Below both `src/ct/` (which rebuilds, gates and publishes versions) and `src/serving/` (whose API
workers follow them), so that neither imports the other:

- `snapshots`: which engine is served and where local snapshots live;
- `versions`: reaching a published version from the store (incrementally when possible), the local
  cold-start cache, and what /health and the admin status say about publication;
- `cf_artifacts`: the published artifact's format, its storage in the store and the host cache
  the workers map;
- `online`: the online metrics job (the CT process every ONLINE_METRICS_EVERY_S, the admin route on
  demand).
"""
