# Anguan (安管) — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell md5sum pyproject.toml | cut -c1-8)
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts
PYTEST_ARGS ?=

.PHONY: run test venv web lint typecheck api-client api-drift pytest browser bench clean

venv: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

web/node_modules/.stamp: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.stamp $(WEB_SRC)
	cd web && npm run build

web: web/dist/index.html

## make run: set up, build the SPA, then migrate, seed the demo plant (idempotent) and start Anguan
## on SQLite under ./var/; it prints the URL and the demo logins
run: venv web
	$(BIN)/anguan serve --demo

## make test: set up and run every check and test (API on SQLite and PostgreSQL, MariaDB smoke, browser)
test: venv web browser
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory api-drift
	$(MAKE) --no-print-directory pytest

browser:
	@bash scripts/ensure-chromium.sh

lint: venv web/node_modules/.stamp
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	cd web && npm run --silent lint
	cd web && npm run --silent typecheck

# Regenerate the TypeScript API types from the OpenAPI document.
api-client: venv web/node_modules/.stamp
	mkdir -p var
	$(BIN)/anguan openapi --output var/openapi.json
	cd web && npm run --silent gen:api

# Fails when the committed generated client no longer matches the API.
api-drift: api-client
	@git diff --exit-code --stat -- web/src/api/generated || \
	  (echo "web/src/api/generated drifted from the API: run 'make api-client' and commit" && exit 1)

pytest: venv
	$(BIN)/pytest -q -ra $(PYTEST_ARGS)

bench: venv web
	$(BIN)/python bench/api.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/early_warning.py
	$(BIN)/python bench/basics.py --pg
	$(BIN)/python bench/hazards.py --pg
	$(BIN)/python bench/permits.py --pg

clean:
	rm -rf var test-output web/dist
