# Baromètre numérique — the README's two commands, `make run` and `make test`, are a contract:
# each works on a fresh Debian 12 machine with nothing installed by hand.
#
#   make run     virtualenv + editable install, schema, demo data, then gunicorn on 127.0.0.1:8050
#   make test    system packages, test dependencies, ruff, hadolint, then the whole pytest suite
#   make test-stress  the browser tests 10 times, then the whole suite twice, beside a CPU load
#   make lint    ruff, bandit, hadolint, import-linter's contracts, ESLint over assets/*.js
#   make snapshots  redraw the reviewed drawings of tests/snapshots/ (review the diff, commit)
#   make bench   the performance benchmark, to docs/performance.md (bench-quick: small variant)
#   make audit   pip-audit over the locked runtime dependencies (installed on demand)
#   make lock    resolve pyproject.toml again into requirements/*.txt (pins and hashes, Python 3.11)
#   make clean   remove the virtualenvs and build leftovers (keeps ./data, the local store)

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
# The suite in parallel (pytest-xdist), a test file a worker: module fixtures (a cluster of
# servers, a walk's process pool) start once. One worker more than cores: browser tests spend
# much of their time waiting for a page, and the extra worker uses those waits (figures in
# docs/performance.md). PYTEST_WORKERS= runs it in one process.
PYTEST_WORKERS ?= -n $(shell echo $$(( $$(nproc) + 1 ))) --dist loadfile

# The locks: every package pinned with its hashes, resolved for this Python (the Dockerfile's too).
# run.txt is what the application needs (make run, make audit, the Docker image); test.txt adds the
# test extra, with run.txt as constraints so that both install the same versions of what they share.
# pyproject.toml keeps ranges, for those who install the package into an environment of their own.
PYTHON_VERSION := 3.11
LOCK_RUN := requirements/run.txt
LOCK_TEST := requirements/test.txt

# Stamps: pip runs again only when a lock or pyproject.toml changes (the install is editable, so
# source changes need no reinstall). The test stamp implies the runtime one.
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

# Locked dependencies first, every one checked against its hashes; then the package itself, which
# hashes cannot cover (editable), without dependencies and built by the locked setuptools.
define install_locked
$(PIP) install --quiet --require-hashes -r $(1)
$(PIP) install --quiet --no-deps --no-build-isolation -e .
endef

# What the tests need from Debian: a browser for the browser tests, the servers the integration
# tests start on loopback, a font so that screenshots have glyphs, and wrk, the load generator of
# the benchmark (make bench, make bench-quick), stress-ng, the CPU load of make test-stress, and
# a Java runtime for the Nu Html Checker (vnu.jar, tests/test_rgaa_structure.py).
APT_PACKAGES := chromium redis-server postgresql nginx fonts-dejavu-core wrk stress-ng \
	default-jre-headless

# Run apt-get as root, or through sudo otherwise.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

# A virtualenv whose interpreter no longer runs (its python was removed or upgraded), or is not
# Python 3.11 (the locks are resolved for it), is rebuilt.
ifneq ($(wildcard $(VENV)),)
VENV_VERSION := $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(VENV_VERSION),$(PYTHON_VERSION))
$(info $(VENV) utilise Python $(or $(VENV_VERSION),introuvable) et non $(PYTHON_VERSION), pour lequel les dépendances sont verrouillées : il est recréé.)
$(shell rm -rf $(VENV))
endif
endif

.PHONY: help run init demo test test-stress lint system-deps bench bench-quick audit lock clean snapshots

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# --- the application --------------------------------------------------------------------------

run: init demo
	exec $(BIN)/barometre serve --host $(HOST) --port $(PORT)

init: $(STAMP_RUN)
	$(BIN)/barometre init

demo: init
	$(BIN)/barometre demo --if-empty

# Python 3.11 exactly: python3.11, else a python3 that is 3.11 (Debian 12's). Another version
# would install pins resolved for 3.11 (wheels, markers) that may not fit it. Debian's python3
# cannot create a virtualenv without python3-venv (no ensurepip): install it then, and try again.
FIND_PYTHON = python=""; \
	for candidate in python$(PYTHON_VERSION) python3; do \
	  if command -v $$candidate >/dev/null 2>&1 \
	     && [ "$$($$candidate -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = $(PYTHON_VERSION) ]; then \
	    python=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$python" ]; then \
	  found=$$(python3 --version 2>/dev/null || echo "aucun python3"); \
	  echo "Python $(PYTHON_VERSION) est introuvable ($$found) : les dépendances verrouillées" \
	    "($(LOCK_RUN), $(LOCK_TEST)) sont résolues pour Python $(PYTHON_VERSION), comme l'image Docker." \
	    "Installez python$(PYTHON_VERSION) (Debian 12 : paquet python3)." >&2; \
	  exit 1; \
	fi

$(VENV)/pyvenv.cfg:
	@$(FIND_PYTHON); \
	echo "Création de $(VENV) avec $$(command -v $$python) ($$($$python --version))"; \
	rm -rf $(VENV); \
	if ! $$python -m venv $(VENV); then \
	  rm -rf $(VENV); \
	  echo "venv a échoué : installation de python3-venv (Debian)"; \
	  $(APT_GET) install -y -q python3-venv python$(PYTHON_VERSION)-venv \
	    || { $(APT_GET) update -q && $(APT_GET) install -y -q python3-venv python$(PYTHON_VERSION)-venv; }; \
	  $$python -m venv $(VENV); \
	fi

$(STAMP_RUN): $(LOCK_RUN) pyproject.toml $(VENV)/pyvenv.cfg
	$(call install_locked,$(LOCK_RUN))
	touch $@

$(STAMP_TEST): $(LOCK_TEST) pyproject.toml $(VENV)/pyvenv.cfg
	$(call install_locked,$(LOCK_TEST))
	touch $@ $(STAMP_RUN)

# --- the locks ---------------------------------------------------------------------------------

# pip-tools resolves pyproject.toml again (after a change to its dependencies, or to take new
# releases: make lock LOCK_ARGS=--upgrade, or LOCK_ARGS="--upgrade-package dash"). Build tools
# (setuptools, wheel) are locked too (--all-build-deps, --allow-unsafe): the package is built
# without isolation, by the locked ones.
#
# pip-tools and pip-audit live in a virtualenv of their own, pinned and installed on demand: they
# are neither dependencies of the application nor of its tests, and what they need must not creep
# into .venv, which holds exactly the lock.
TOOLS_VENV := .venv-tools
TOOLS := pip-tools==7.6.2 pip-audit==2.10.1
LOCK_ARGS ?=
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --all-build-deps --strip-extras --no-emit-index-url \
	--no-emit-find-links $(LOCK_ARGS)

$(TOOLS_VENV)/.installed: Makefile
	@$(FIND_PYTHON); \
	rm -rf $(TOOLS_VENV); \
	$$python -m venv $(TOOLS_VENV); \
	$(TOOLS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(TOOLS)
	touch $@

lock: $(TOOLS_VENV)/.installed
	@mkdir -p $(dir $(LOCK_RUN))
	$(PIP_COMPILE) --output-file $(LOCK_RUN) pyproject.toml
	$(PIP_COMPILE) --extra test --constraint $(LOCK_RUN) --output-file $(LOCK_TEST) pyproject.toml

# --- checks ------------------------------------------------------------------------------------

test: system-deps $(STAMP_TEST) lint tests/node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

# A suite that passes on a busy machine, not most times: the browser tests STRESS_REPEAT times
# each (pytest-repeat), then the whole suite STRESS_SUITES times, while stress-ng keeps both
# cores busy beside them. Any failure stops it; the load stops with it.
STRESS_REPEAT ?= 10
STRESS_SUITES ?= 2
test-stress: system-deps $(STAMP_TEST) tests/node_modules/.package-lock.json
	set -e; stress-ng --cpu 2 --quiet & load=$$!; \
	trap 'kill $$load 2>/dev/null || true' EXIT; \
	CI=true $(BIN)/pytest $(PYTEST_WORKERS) -m browser --count $(STRESS_REPEAT) $(PYTEST_ARGS); \
	for run in $$(seq $(STRESS_SUITES)); do CI=true $(BIN)/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS); done

# The reviewed drawings: tests/test_snapshots.py fails on any difference until they are redrawn
# here, looked at, and committed (tests/drawing_corpus.py says what they hold).
snapshots: $(STAMP_TEST)
	$(PY) tests/drawing_corpus.py

# axe-core and Lighthouse for tests/test_accessibility.py, the Nu Html Checker for
# tests/test_rgaa_structure.py, when missing or older than the lock.
tests/node_modules/.package-lock.json: tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund

# ESLint (tools/package.json, pinned, with its lock): installed in tools/node_modules, never
# globally, when missing or older than the lock.
ESLINT := tools/node_modules/.bin/eslint
tools/node_modules/.package-lock.json: tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund

lint: $(STAMP_TEST) tools/node_modules/.package-lock.json
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/bandit -q -r src --severity-level medium
	$(BIN)/hadolint --no-color --failure-threshold style Dockerfile
	$(BIN)/lint-imports --no-logo
	$(ESLINT) --config tools/eslint.config.js --max-warnings 0 src/barometre/assets

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

# bench: the whole benchmark (its duration is in the report), to docs/performance.md and .json, with the
# browser and the Lighthouse that make test installs. bench-quick: small variant (few requests, no
# Lighthouse) written to tmp/. make test does not run it: it would take a sixth of the 15 minutes
# the suite has; the suite tests the benchmark's parts and that its report is its JSON's.
bench: system-deps $(STAMP_TEST) tests/node_modules/.package-lock.json
	$(PY) benchmarks/run.py

bench-quick: system-deps $(STAMP_TEST)
	$(PY) benchmarks/run.py --quick --out tmp/bench-quick

# pip-audit reads the runtime lock itself, pins and hashes (what make run and the Docker image
# install), without installing anything. It lists the packages it could not look up as skipped;
# AUDIT_ARGS=--strict makes that an error (a registry mirror without PyPI's per-version JSON API
# leaves every package skipped).
AUDIT_ARGS ?=
audit: $(TOOLS_VENV)/.installed
	$(TOOLS_VENV)/bin/pip-audit --disable-pip --require-hashes -r $(LOCK_RUN) $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS_VENV) build dist tmp src/*.egg-info .pytest_cache .ruff_cache test-results
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
