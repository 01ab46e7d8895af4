# Bootstrap only: create .venv, install the pinned Python and npm packages (every extra: site, api,
# crosspost and test), then hand over to invoke.
# `make run` builds the sample site, upgrades the database and serves site + API; `make test` runs
# the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the built pages name (canonical links, feeds): the one `make run` serves on.
ENGAGE_SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: setup run test bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[site,api,crosspost,test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	ENGAGE_SITE_URL='$(ENGAGE_SITE_URL)' $(BIN)/invoke build serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/invoke test

bench: setup
	$(BIN)/invoke bench

clean:
	$(BIN)/invoke clean
