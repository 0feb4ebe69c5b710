"""Shared fixtures live in plugin modules, one per area, so each area owns its own file."""

import os

# Tests never read a developer's .env or production services by accident.
os.environ.setdefault("LOG_JSON", "false")

pytest_plugins = [
    "tests.fixtures_store",
    "tests.fixtures_content",
]
