# Baromètre numérique — the README's two commands, `make run` and `make test`, are a contract:
# each works on a fresh Debian 12 machine with nothing installed by hand.
#
#   make run     virtualenv + editable install, schema, demo data, then gunicorn on 127.0.0.1:8050
#   make test    system packages, test dependencies, ruff, hadolint, then the whole pytest suite
#   make snapshots  redraw the reviewed drawings of tests/snapshots/ (review the diff, commit)
#   make bench   the performance benchmark, to docs/performance.md (bench-quick: small variant)
#   make audit   pip-audit over the virtualenv (installed on demand)
#   make clean   remove the virtualenv and build leftovers (keeps ./data, the local store)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8050
PYTEST_ARGS ?=

# Stamps: pip runs again only when pyproject.toml changes (the install is editable, so source
# changes need no reinstall). The test stamp implies the runtime one.
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

# What the tests need from Debian: a browser for the browser tests, the servers the integration
# tests start on loopback, a font so that screenshots have glyphs, and wrk, the load generator of
# the benchmark (make bench, make bench-quick).
APT_PACKAGES := chromium redis-server postgresql nginx fonts-dejavu-core wrk

# Run apt-get as root, or through sudo otherwise.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

# A virtualenv whose interpreter no longer runs (its python was removed or upgraded) is rebuilt.
ifneq ($(wildcard $(VENV)),)
ifneq ($(shell $(PY) -c 'print("ok")' 2>/dev/null),ok)
$(info $(VENV) ne fonctionne plus : il est recréé.)
$(shell rm -rf $(VENV))
endif
endif

.PHONY: help run init demo test lint system-deps bench bench-quick audit clean snapshots

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# --- the application --------------------------------------------------------------------------

run: init demo
	exec $(BIN)/barometre serve --host $(HOST) --port $(PORT)

init: $(STAMP_RUN)
	$(BIN)/barometre init

demo: init
	$(BIN)/barometre demo --if-empty

# Create the virtualenv with the first python ≥ 3.11 on PATH. Debian's python3 cannot create one
# without python3-venv (no ensurepip): install it then, and try once more.
$(VENV)/pyvenv.cfg:
	@python=""; \
	for candidate in python3 python3.13 python3.12 python3.11; do \
	  if command -v $$candidate >/dev/null 2>&1 \
	     && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	    python=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$python" ]; then echo "Python ≥ 3.11 est introuvable (python3 --version)." >&2; exit 1; fi; \
	echo "Création de $(VENV) avec $$(command -v $$python) ($$($$python --version))"; \
	rm -rf $(VENV); \
	if ! $$python -m venv $(VENV); then \
	  rm -rf $(VENV); \
	  version=$$($$python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
	  echo "venv a échoué : installation de python3-venv (Debian)"; \
	  $(APT_GET) install -y -q python3-venv python$$version-venv \
	    || { $(APT_GET) update -q && $(APT_GET) install -y -q python3-venv python$$version-venv; }; \
	  $$python -m venv $(VENV); \
	fi

$(STAMP_RUN): pyproject.toml $(VENV)/pyvenv.cfg
	$(PIP) install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml $(VENV)/pyvenv.cfg
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

# --- checks ------------------------------------------------------------------------------------

test: system-deps $(STAMP_TEST) lint tests/node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory bench-quick

# The reviewed drawings: tests/test_snapshots.py fails on any difference until they are redrawn
# here, looked at, and committed (tests/drawing_corpus.py says what they hold).
snapshots: $(STAMP_TEST)
	$(PY) tests/drawing_corpus.py

# axe-core and Lighthouse for tests/test_accessibility.py, when missing or older than the lock.
tests/node_modules/.package-lock.json: tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/bandit -q -r src --severity-level medium
	$(BIN)/hadolint --no-color --failure-threshold style Dockerfile

# apt-get only for what is missing, with one `apt-get update` first; nothing at all when every
# package is there.
system-deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Paquets Debian manquants :$$missing"; \
	  $(APT_GET) update -q; \
	  $(APT_GET) install -y -q --no-install-recommends $$missing; \
	fi

# bench: the whole benchmark (≤ 10 min), written to docs/performance.md and .json, with the
# browser and the Lighthouse that make test installs. bench-quick: small variant (few requests, no
# Lighthouse) written to tmp/; make test runs it to check that the benchmark still works.
bench: system-deps $(STAMP_TEST) tests/node_modules/.package-lock.json
	$(PY) benchmarks/run.py

bench-quick: system-deps $(STAMP_TEST)
	$(PY) benchmarks/run.py --quick --out tmp/bench-quick

# pip-audit lists the packages it could not look up as skipped; AUDIT_ARGS=--strict makes that an
# error (a registry mirror without PyPI's per-version JSON API leaves every package skipped).
AUDIT_ARGS ?=
audit: $(STAMP_RUN)
	@[ -x $(BIN)/pip-audit ] || $(PIP) install --quiet pip-audit
	$(BIN)/pip-audit --skip-editable $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) build dist tmp src/*.egg-info .pytest_cache .ruff_cache test-results
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
