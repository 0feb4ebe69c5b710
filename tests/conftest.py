"""Shared fixtures and helpers live in tests/plugins/, one module per area; test modules import
helpers from there, never from another test module. The tests mirror src/ (tests/api for src/api,
...); tests/system runs whole processes, tests/bench the benchmarks' own parts, tests/faults the
fault scenarios."""

import os

# Tests never read a developer's .env or production services by accident.
os.environ.setdefault("LOG_JSON", "false")

pytest_plugins = [
    "tests.plugins.store",  # the store under test (SQLite, PostgreSQL), settings factories
    "tests.plugins.content",  # content models trained once a session
    "tests.plugins.api",  # make_client: the app on a store seeded with known groups
    "tests.plugins.ct",  # ct_settings: a claim every 5 interactions
]
