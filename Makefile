# Askel: the README's commands. `make run` serves the site with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := .cache/axe-core/axe.min.js
AXE_VERSION := 4.14.1
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := workshop

.PHONY: run test install i18n translations check-content bench clean

run: install translations
	$(BIN)/flask db upgrade heads
	$(BIN)/flask demo-data --if-empty --served-at http://$(HOST):$(PORT)
	@echo "Askel is at http://$(HOST):$(PORT)/  (sign-ins above, and in instance/demo-sign-ins.txt)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The suite runs in parallel, one process per core (pytest-xdist; JOBS=1 runs it in one process),
# each with its own app, server, browser and (on PostgreSQL) database; see tests/conftest.py.
JOBS ?= auto
test: install translations $(AXE)
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Compile the gettext catalogs (.mo files are built, never committed).
translations: install
	$(BIN)/flask i18n compile

# After changing a string or a lesson: extract the templates, update every catalog, compile.
i18n: install
	$(BIN)/flask i18n all

# The benchmark (bench/, not part of the app): gunicorn on 127.0.0.1, 30 tablets in an open loop,
# then the ceiling with wrk against a bare Flask app. `make bench ARGS=--city` on a city's history.
# Uses PostgreSQL when DATABASE_URL is set. Needs wrk (apt-get install wrk). See docs/performance.md.
ARGS ?= $(BENCH_ARGS)
bench: install translations
	$(BIN)/python -m bench $(ARGS)

check-content: install
	$(BIN)/flask check-content

# axe-core for the accessibility tests, from the npm registry (pinned), into an ignored cache.
$(AXE):
	@mkdir -p .cache/axe-core
	@if command -v npm >/dev/null 2>&1; then \
	  cd .cache/axe-core && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js package/LICENSE && \
	  mv package/axe.min.js package/LICENSE . && rm -rf package axe-core-$(AXE_VERSION).tgz; \
	else echo "npm not found: accessibility tests will be skipped"; fi

clean:
	rm -rf $(VENV) .cache instance/askel.sqlite3*
