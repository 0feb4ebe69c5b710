# The README's two commands: `make run` (set up, train if needed, serve on :7860) and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test test-fast dev lint openapi faults bench-http bench-cf bench-cf-10m bench-cf-synthetic bench-cf-quality bench-online bench-content judge evaluate train clean browser-deps axe-core screenshots charts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files re-run pip only when a requirements file changed.
$(VENV)/.train-installed: requirements.txt requirements-train.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-train.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-train.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.train-installed

# A local demo: the runner page may take back likes and forget its runner without a client key
# (DEMO_OPEN_EDITS; production sets API_KEY instead and leaves it off).
run: $(VENV)/.train-installed
	DEMO_OPEN_EDITS=$${DEMO_OPEN_EDITS:-true} $(BIN)/python -m src.main

dev: $(VENV)/.train-installed
	DEMO_OPEN_EDITS=$${DEMO_OPEN_EDITS:-true} DEV_RELOAD=true $(BIN)/python -m src.main

test: $(VENV)/.dev-installed browser-deps axe-core
	$(BIN)/ruff check .
	$(BIN)/pytest

# The inner loop: everything but the multi-process, training and browser tests (a few minutes).
test-fast: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not slow and not browser"

faults: $(VENV)/.train-installed
	$(BIN)/python -m tests.faults --full

# Debian's headless Chromium and its driver for tests/web/test_browser.py; nothing to do when present.
browser-deps:
	@if command -v chromedriver >/dev/null 2>&1 && { command -v chromium || command -v chromium-browser \
		|| command -v google-chrome; } >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	else echo "browser-deps: install chromium and chromedriver with your package manager" >&2; exit 1; fi

# axe-core for the browser tests' accessibility checks: `npm pack axe-core@<pinned>` into
# tests/.axe-core/ (git-ignored); the tests fetch it the same way when it is missing (tests/web/axe.py).
axe-core: $(VENV)/.dev-installed
	$(BIN)/python -m tests.web.axe

# The README's screenshots, taken by the browser tests.
screenshots: $(VENV)/.dev-installed browser-deps axe-core
	BROWSER_SCREENSHOTS_DIR=docs/img $(BIN)/pytest -q -p no:cacheprovider tests/web/test_browser.py

# The README's charts (docs/img/*.png) from bench/results and the training manifests.
charts: $(VENV)/.dev-installed
	$(BIN)/python bench/charts.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The API contract: export openapi.json, then regenerate the typed client from it (both committed).
openapi: $(VENV)/.dev-installed
	$(BIN)/python -m src.api.openapi
	$(BIN)/openapi-python-client generate --path openapi.json --output-path clients/python \
		--config clients/openapi-python-client.yaml --overwrite

train: $(VENV)/.train-installed
	$(BIN)/python -m src.training.training_engine --type all

evaluate: $(VENV)/.dev-installed
	$(BIN)/python -m src.training.evaluate --ratings ../shared/datasets/movielens-100k/u.data

bench-cf: $(VENV)/.dev-installed
	$(BIN)/python bench/cf_bench.py --users 10000,100000,1000000

bench-cf-10m: $(VENV)/.dev-installed
	$(BIN)/python bench/cf_bench.py --users 10000000 --out bench/results/cf_bench_shoes_10m.json

bench-cf-synthetic: $(VENV)/.dev-installed
	$(BIN)/python bench/cf_bench.py --workload synthetic

bench-cf-quality: $(VENV)/.dev-installed
	$(BIN)/python bench/cf_quality.py

# ML-100K from its shared path (evaluation only, never copied here): RATINGS=/path/to/u.data to override
bench-online: $(VENV)/.dev-installed
	$(BIN)/python -m bench.online_sim $(if $(RATINGS),--ratings $(RATINGS))

bench-content: $(VENV)/.dev-installed
	$(BIN)/python bench/content_bench.py

judge: $(VENV)/.dev-installed
	$(BIN)/python -m bench.judge

bench-http: $(VENV)/.dev-installed
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) model_artifacts/road model_artifacts/trail model_artifacts/cf data/*.sqlite3*
