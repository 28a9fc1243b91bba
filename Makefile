# `make dev` runs Jindu on this machine; `make test` runs the whole suite.
# Both create .venv and install the project into it first (again only when
# pyproject.toml changes: the stamp file records the last install).

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.jindu-installed
PYTEST_ARGS ?=
# The suite runs in two worker processes (pytest-xdist), each with its own PostgreSQL
# database, Temporal dev server and browser: most tests wait on servers, not on the CPU.
TEST_WORKERS ?= 2

.PHONY: dev test lint test-faults install bench clean browser histories screens

dev: $(STAMP)
	$(VENV)/bin/jindu dev

test: $(STAMP) browser lint
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Style and types: ruff over the tree; mypy strict on the rules (domain/) and workflows/.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The README's screenshots (docs/screens/): its "With the browser" walkthrough in Chromium.
screens: $(STAMP) browser
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/web/screens_walkthrough.py

# The browser tests drive Debian's Chromium with Playwright from PyPI (no browser download);
# a CJK font makes the screenshots readable. Installed when missing and apt-get exists (CI
# runs as root on Debian); elsewhere, install Chromium yourself or set JINDU_CHROMIUM.
browser:
	@if [ -z "$$JINDU_CHROMIUM" ] && [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "no /usr/bin/chromium: install Chromium or set JINDU_CHROMIUM; the browser tests will fail without it"; fi; \
	fi

# The fault tests alone (they also run in `make test`): real processes killed mid-burst.
test-faults: $(STAMP)
	$(VENV)/bin/pytest -q tests/faults $(PYTEST_ARGS)

install: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,test]'
	touch $@

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_updates.py

# Record the current workflow version's replay histories (tests/workflows/make_histories.py):
# bump VERSION there first, so no shipped version's files are overwritten.
histories: $(STAMP)
	$(VENV)/bin/python -m tests.workflows.make_histories

# Also deletes the dev stack's state (.jindu/: projects, users, the data key).
clean:
	rm -rf $(VENV) .jindu
