# Two commands matter: `make run` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app helpdesk
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo's six months of history (thousands of past questions): DEMO_HISTORY=0 leaves it out.
DEMO_HISTORY ?= 1

.PHONY: run serve test setup install translations bench clean-db oidc-op providers

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/python -m helpdesk.catalogs compile

# Create or upgrade the database, load the demo municipality into an empty one, and run
# every capability's setup step (loading the shipped help articles, ...).
setup: translations
	$(FLASK) setup $(if $(filter 0,$(DEMO_HISTORY)),--no-history,)

# The web server and, beside it, the job runner (`flask jobs`: SLA escalation, breach mail,
# auto-close, the search indexer, retention, the outbox); stopping one stops both.
run: setup
	@$(FLASK) jobs & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The grown shape: gunicorn with WEB_WORKERS workers (default 2) and the job runner as its own
# process, on whatever DATABASE_URL, RATELIMIT_STORAGE_URI, ... say (README: "Running it for
# real"). No demo is loaded; check-config prints what is unsafe first. The workers fork from a
# master that has built the app (WEB_PRELOAD=1, gunicorn.conf.py), so they share its pages.
serve: translations
	$(FLASK) setup --no-demo
	@$(FLASK) check-config; \
	export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$$PWD/instance/prometheus}; \
	rm -rf "$$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"; \
	$(FLASK) jobs & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	WEB_PRELOAD=$${WEB_PRELOAD:-1} $(BIN)/gunicorn --workers $${WEB_WORKERS:-2} --bind $(HOST):$(PORT) 'helpdesk:create_app()'

# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n0 -k name" for one test.
# The identity providers the SSO tests log in through, run on loopback (npm's locked packages).
providers:
	@if command -v npm >/dev/null 2>&1; then \
	  [ -d tests/support/oidc_op/node_modules ] || (cd tests/support/oidc_op && npm ci --no-audit --no-fund --silent); \
	else echo "npm not found: the OpenID Connect tests will say so (apt-get install nodejs npm)"; fi

test: translations providers
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The load test's locust is installed only here: the suite and the portal do not need it.
bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

# The test OpenID provider for guardians' e-legitimation by hand (README): node and npm needed.
OIDC_OP_PORT ?= 5311
oidc-op:
	cd tests/support/oidc_op && { [ -d node_modules ] || npm ci --no-audit --no-fund; } \
	  && node server.js --port $(OIDC_OP_PORT) --redirect-uri http://$(HOST):$(PORT)/auth/oidc/callback

clean-db:
	rm -f instance/helpdesk.sqlite instance/helpdesk.sqlite-wal instance/helpdesk.sqlite-shm
	rm -rf instance/search-index
