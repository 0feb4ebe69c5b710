"""Settings and the catalog schema: the one place every other module reads its constants from.

`Settings` is the single pydantic-settings class; every field is read from the environment
(upper-case name) or from a `.env` file in the working directory. The catalog schema below is
the contract between the CSV files, the validator, the store, training and serving.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VERSION = (
    "1.2.0"  # the service's release (the OpenAPI document's `info.version`; pyproject.toml says the same)
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

ShoeType = Literal["road", "trail"]
SHOE_TYPES: tuple[ShoeType, ...] = ("road", "trail")
ID_PREFIX: dict[str, str] = {"road": "R", "trail": "T"}

# --- catalog schema --------------------------------------------------------------------------
# Metadata columns are carried along but never enter a model. `spec_source` says whether the
# numbers are the maker's published specs ("published") or plausible estimates ("estimated").
# `spec_source` says where the row's figures come from: "original" (the original system's data,
# data/original/), "published" (the hand table, figures from named public pages) or "estimated".
# `status` is "active" (recommendable) or "retired" (kept readable for runners' history, never
# recommended, never trained on).
METADATA_COLUMNS: list[str] = ["shoe_id", "name", "brand", "release_year", "spec_source", "status"]
SPEC_SOURCES: tuple[str, ...] = ("original", "published", "estimated")
STATUSES: tuple[str, ...] = ("active", "retired")

# Descriptive catalog columns: what a fitter knows about a model beyond its specs. Never model
# features and not stored in the database; the content training joins them from the catalog file
# by shoe_id. `family` = brand + model without version ("Nike Pegasus"), `current` = 1 for the
# newest version of its line in the catalog, `role` = what the shoe is built for (one of ROLES).
DESCRIPTIVE_COLUMNS: list[str] = ["family", "current", "role"]
ROLES: tuple[str, ...] = ("daily", "tempo", "race")

# Numeric feature columns. Encodings: plate 0 none / 1 nylon-TPU-plastic / 2 carbon;
# stability 0 neutral / 1 guided; water_resistance 0 none / 1 water repellent / 2 membrane;
# width_* and use_* and removable_insole and rock_plate are 0/1 flags; softness and
# responsiveness 1-10 (10 = softest / bounciest); breathability, warmth, terrain_* 1-5.
ROAD_FEATURES: list[str] = [
    "weight_g",
    "heel_stack_mm",
    "forefoot_stack_mm",
    "drop_mm",
    "midsole_softness",
    "plate",
    "stability",
    "width_narrow",
    "width_regular",
    "width_wide",
    "breathability",
    "warmth",
    "water_resistance",
    "removable_insole",
    "use_daily",
    "use_tempo",
    "use_race",
]

# Road shoes have no responsiveness: no source rates their energy return (data/README.md).
TRAIL_FEATURES: list[str] = [
    *ROAD_FEATURES,
    "responsiveness",
    "lug_depth_mm",
    "rock_plate",
    "terrain_light",
    "terrain_mixed",
    "terrain_rocky",
    "terrain_muddy",
]

FEATURES: dict[str, list[str]] = {"road": ROAD_FEATURES, "trail": TRAIL_FEATURES}

# Attributes from the original system's sheets: numeric, empty when no source gives them, never
# model features (which ones could be is measured in docs/catalog.md). price_usd and audience_score
# as RunRepeat lists them; popularity = RunRepeat's popularity rank as a percentile (100 = the most
# popular shoe, from "Top 5%" / "Bottom 45%"); rocker, orthotic_friendly 0/1; toebox_width 1 narrow / 2 medium / 3 wide;
# torsional_rigidity and heel_counter 1 flexible / 2 moderate / 3 stiff; durability 1 bad .. 3 good
# (mean of the toebox, heel padding and outsole ratings).
ATTRIBUTE_COLUMNS: list[str] = [
    "price_usd",
    "audience_score",
    "popularity",
    "rocker",
    "toebox_width",
    "torsional_rigidity",
    "heel_counter",
    "durability",
    "orthotic_friendly",
]
ATTRIBUTE_RANGES: dict[str, tuple[float, float, bool]] = {
    "price_usd": (10, 1000, False),
    "audience_score": (0, 100, False),
    "popularity": (0, 100, False),
    "rocker": (0, 1, True),
    "toebox_width": (1, 3, True),
    "torsional_rigidity": (1, 3, True),
    "heel_counter": (1, 3, True),
    "durability": (1, 3, False),
    "orthotic_friendly": (0, 1, True),
}
SEASONS: tuple[str, ...] = ("all", "summer", "winter")  # empty = unknown
# season; source_rows = the original data's rows a shoe was built from; provenance = one
# `column:source` pair per numeric cell (sources: PROVENANCE_SOURCES).
EXTRA_COLUMNS: list[str] = ["season", "source_rows", "provenance"]
PROVENANCE_SOURCES: tuple[str, ...] = (
    "lab",  # RunRepeat's lab measurement (men's US 9)
    "brand",  # the brand's figure as RunRepeat lists it
    "runrepeat",  # a RunRepeat figure or rating not labelled lab or brand (the sheets' other columns)
    "original",  # the original system's processed feature table (data/original/*_dataset.csv)
    "published",  # the hand table's figure from named public pages (data/README.md)
    "derived",  # a fixed rule on sourced cells of the same shoe (data/README.md lists the rules)
    "estimated",  # a judgement, not a measurement
)

# Inclusive ranges the validator enforces; integer=True columns must hold whole numbers.
FEATURE_RANGES: dict[str, tuple[float, float, bool]] = {
    "weight_g": (120, 450, False),
    "heel_stack_mm": (5, 60, False),  # barefoot shoes (Xero, Vapor Glove) to Vomero Premium
    "forefoot_stack_mm": (3, 50, False),
    "drop_mm": (0, 20, False),
    "midsole_softness": (1, 10, True),
    "responsiveness": (1, 10, True),
    "plate": (0, 2, True),
    "stability": (0, 1, True),
    "width_narrow": (0, 1, True),
    "width_regular": (0, 1, True),
    "width_wide": (0, 1, True),
    "breathability": (1, 5, True),
    "warmth": (1, 5, True),
    "water_resistance": (0, 2, True),
    "removable_insole": (0, 1, True),
    "use_daily": (0, 1, True),
    "use_tempo": (0, 1, True),
    "use_race": (0, 1, True),
    "lug_depth_mm": (1, 9, False),
    "rock_plate": (0, 1, True),
    "terrain_light": (1, 5, True),
    "terrain_mixed": (1, 5, True),
    "terrain_rocky": (1, 5, True),
    "terrain_muddy": (1, 5, True),
}


def _served_arm_only() -> dict[str, dict[str, float]]:
    return {"served": {}}


class Settings(BaseSettings):
    """Every runtime setting, read from the environment (or `.env`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # --- data store: DATABASE_URL wins, then SUPABASE_URL+SUPABASE_KEY, else embedded SQLite
    database_url: str | None = None
    supabase_url: str | None = None
    supabase_key: str | None = None
    sqlite_path: Path = DATA_DIR / "sonix_rush.sqlite3"
    road_catalog: Path = DATA_DIR / "road_dataset.csv"
    trail_catalog: Path = DATA_DIR / "trail_dataset.csv"
    # None = seed the embedded store only; never seed a real PostgreSQL/Supabase by accident.
    seed_demo_interactions: bool | None = None
    demo_users: int = Field(2000, ge=0)
    demo_seed: int = 42
    db_pool_size: int = Field(4, ge=1)
    db_timeout_s: float = Field(5.0, gt=0)
    # While PostgreSQL is known to be down, requests get 503 at once and one background probe checks
    # this often whether it is back (then a fresh pool serves: no reconnect back-off to wait out).
    db_reprobe_s: float = Field(0.25, gt=0)
    # Server-side cap per statement (0 = none): a stuck query fails instead of holding a worker.
    db_statement_timeout_s: float = Field(10.0, ge=0)
    # Apply pending schema migrations at start-up (off: migrate as a deploy step, python -m src.store.migrate)
    auto_migrate: bool = True

    # --- artifacts and training
    artifacts_dir: Path = PROJECT_ROOT / "model_artifacts"
    keep_versions: int = Field(5, ge=1)
    train_epochs: int = Field(300, ge=1)
    train_seed: int = 42

    # --- content-based serving
    content_top_n: int = Field(10, ge=1, le=100)

    # --- collaborative serving and continuous training
    feed_size: int = Field(20, ge=1, le=200)
    cf_neighbours: int | None = Field(None, ge=1)  # None = the engine's evaluated default
    feed_cache_ttl_s: float = Field(60.0, ge=0)
    # per worker; a cached ranking with its rendered first page takes 7-12 KB, so the bound is
    # what the cache adds to a worker's RSS (~20 MB at 2,000)
    feed_cache_max_entries: int = Field(2_000, ge=1)
    # per worker (embedded store and PostgreSQL): the rows of the recent runners a write applies
    # itself to instead of reading them back, packed at ~9 B each, a runner counting as their rows
    # plus 24 (so ~9 MB of RSS at the default)
    runner_state_cache_rows: int = Field(1_000_000, ge=0)
    ct_threshold: int = Field(50, ge=1)
    full_rebuild_every: int = Field(20, ge=1)  # every Nth CT rebuild reloads the whole table
    quality_gate_tolerance: float = Field(0.02, ge=0)
    gate_max_users: int = Field(200, ge=10)  # users scored per CT evaluation
    # this many refusals in a row and /health, the admin status and the CT log say publication stalled
    gate_stall_after: int = Field(3, ge=1)
    # the CT process compacts the event log this often (and after every publish), not only on publish
    event_compaction_s: float = Field(60.0, gt=0)
    # how often every API worker polls the store for a newer published CF version or an admin reload
    snapshot_poll_s: float = Field(2.0, gt=0)
    # /health reads the shared CT counter from the store at most this often per worker (its own
    # writes show at once); 0 = on every call
    health_cache_s: float = Field(1.0, ge=0)
    ct_poll_s: float = Field(1.0, gt=0)  # how often the CT process looks for pending claims
    # the CT process's nice value: on a host it shares with API workers, its rebuilds and metrics job
    # take the cores the requests leave (0: same priority as the workers)
    ct_nice: int = Field(10, ge=0, le=19)
    # CT paces itself: at most one rebuild per this many seconds (pending claims are answered
    # together); 0 = no pacing at all
    ct_min_interval_s: float = Field(5.0, ge=0)
    # ... and by its CPU: after an incremental rebuild that took c seconds of the CT process's CPU,
    # the next starts no sooner than c / CT_CPU_SHARE seconds after it started. Rebuilds cost more
    # as the store grows; on a host the CT shares with API workers, its versions then space out
    # instead of taking more of the workers' cores (0 = CT_MIN_INTERVAL_S alone: a CT process on a
    # host of its own), but never more than CT_MAX_INTERVAL_S apart: the bound on how far the served
    # version trails the writes (a rebuild's CPU grows with the events it answers, so a pause
    # without a bound could only grow)
    ct_cpu_share: float = Field(0.05, ge=0, le=1)
    ct_max_interval_s: float = Field(30.0, gt=0)
    # a rebuild running longer is abandoned: the CT process records the failure and exits (restarted)
    ct_rebuild_timeout_s: float = Field(300.0, gt=0)
    heartbeat_s: float = Field(5.0, gt=0)  # API workers and CT record what they serve this often

    # --- online evaluation (docs/online_evaluation.md): impressions, metrics, A/B arms
    # every feed page and questionnaire answer served to a known runner is buffered per worker
    # (at most this many; the oldest dropped and counted when full) and written every flush interval
    impressions_enabled: bool = True
    impression_buffer_max: int = Field(10_000, ge=1)
    impression_flush_s: float = Field(1.0, gt=0)
    # impressions older than this are dropped by compaction; the metrics look back this far
    impression_retention_days: float = Field(30.0, gt=0)
    online_metrics_window_days: float = Field(7.0, gt=0)  # N: feedback on a shoe shown in the last N days
    online_metrics_every_s: float = Field(300.0, gt=0)  # the CT process recomputes the metrics this often
    # A/B: a runner's arm is a stable hash of the experiment name and their id. EXPERIMENT_ARMS is a
    # JSON object of arm name -> engine parameters (the first arm is the served one; {} = the served
    # engine as configured); EXPERIMENT_SPLIT the share of runners per arm, in that order (None: equal).
    experiment_name: str = Field("cf-engine", min_length=1)
    experiment_arms: dict[str, dict[str, float]] = Field(default_factory=_served_arm_only)
    experiment_split: list[float] | None = None
    # no arm is declared the leader before every compared arm has this many runners with impressions
    experiment_min_runners: int = Field(200, ge=1)

    # --- process roles: all = API workers + the CT process under one supervisor (one host);
    # api = API workers only (replicas); ct = the continuous-training loop only
    role: Literal["all", "api", "ct"] = "all"

    # --- process and edges
    host: str = "0.0.0.0"
    port: int = Field(7860, ge=1, le=65535)
    workers: int = Field(4, ge=1)
    # Threads per worker for the blocking (store) routes. Few: the work is short and CPU-bound
    # under the GIL, and many threads only fight over it (wrk, /interact alone, 4 workers on 2 cores:
    # 40 threads 876/s, 8 threads 1,047/s, 4 threads 1,165/s).
    threadpool_size: int = Field(4, ge=1)
    dev_reload: bool = False
    admin_token: str | None = None
    # Client keys, comma-separated (several at once for rotation). When set, every route that reads or
    # changes one runner's data needs one (X-API-Key or Authorization: Bearer); with api_key_for_reads
    # the public reads too. Health, docs stay open. (src/api/security.py has the table.)
    api_key: str | None = None
    api_key_for_reads: bool = False
    # Without keys, taking back likes/ratings, saving answers and erasing runners answer 403: anyone
    # could erase anyone. A demo without keys opts in here (`make run` does; production never should).
    demo_open_edits: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(64 * 1024, ge=256)
    # Slow clients (src/api/slow_clients.py): a request whose headers or body have not fully arrived
    # in this many seconds gets 408 and the connection is closed.
    request_read_timeout_s: float = Field(10.0, gt=0)
    # Open connections one worker accepts; beyond that a new connection gets 503 with Retry-After.
    max_connections_per_worker: int = Field(1000, ge=1)
    keepalive_timeout_s: int = Field(5, ge=1)  # idle keep-alive connections are closed after this
    # writes per minute per client, every write route together (INTERACT_RATE_LIMIT_PER_MIN: the
    # release-1.1 name, still read)
    write_rate_limit_per_min: int | None = Field(
        None, ge=1, validation_alias=AliasChoices("write_rate_limit_per_min", "interact_rate_limit_per_min")
    )
    # Where the rate-limit counters live (`limits` storage URL). redis://host:6379 shares them across
    # workers and replicas; memory:// counts per worker process.
    rate_limit_storage_url: str = "memory://"
    rate_limit_namespace: str = "sonix"  # keeps deployments that share one Redis apart
    # Comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed (none by default).
    trusted_proxies: str = ""
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("api_key")
    @classmethod
    def _keys_or_nothing(cls, value: str | None) -> str | None:
        # ' , ' would otherwise switch every key check off without a word
        if value is not None and not any(k.strip() for k in value.split(",")):
            raise ValueError("it holds no key (only commas and spaces): set at least one key, or unset it")
        return value

    @field_validator("experiment_arms")
    @classmethod
    def _some_arm(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        if not value:
            raise ValueError('name at least one arm (the served engine: {"served": {}})')
        for name in value:
            if not name or len(name) > 40 or not name.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"arm name {name!r}: use 1-40 letters, digits, - or _")
        return value

    @model_validator(mode="after")
    def _split_matches_arms(self) -> Settings:
        split = self.experiment_split
        if split is not None:
            if len(split) != len(self.experiment_arms):
                raise ValueError(
                    f"experiment_split: {len(split)} shares for {len(self.experiment_arms)} arms "
                    f"({', '.join(self.experiment_arms)})"
                )
            if any(x <= 0 for x in split):
                raise ValueError("experiment_split: every share must be > 0")
        return self

    @property
    def arm_shares(self) -> tuple[tuple[str, float], ...]:
        """(arm, share of runners) in declaration order, the shares summing to 1."""
        names = list(self.experiment_arms)
        weights = self.experiment_split or [1.0] * len(names)
        total = sum(weights)
        return tuple((n, w / total) for n, w in zip(names, weights, strict=True))

    @property
    def should_seed_demo(self) -> bool:
        if self.seed_demo_interactions is None:
            return self.store_backend == "sqlite"
        return self.seed_demo_interactions

    @property
    def api_keys(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in (self.api_key or "").split(",") if k.strip())

    @property
    def trusted_proxy_networks(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def store_backend(self) -> Literal["postgres", "supabase", "sqlite"]:
        if self.database_url:
            return "postgres"
        if self.supabase_url and self.supabase_key:
            return "supabase"
        return "sqlite"


@lru_cache
def get_settings() -> Settings:
    return Settings()
