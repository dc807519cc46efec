# Two commands do all setup on a fresh machine with Python 3.11 and make:
#   make demo   simulated peers, a scheduler leader and the desk, on embedded defaults
#   make test   the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-calendar lint bench bench-quick e2e-tools clean catalogue

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ediops demo

# tmux and sshd drive the end-to-end tests, strace watches the durable commits
# (tests/operations/test_durability.py), promtool (Debian's prometheus) tests the alert rules
# and the metrics (tests/monitoring/); installed from Debian when missing and root.
e2e-tools:
	@command -v tmux >/dev/null && [ -x /usr/sbin/sshd ] && command -v strace >/dev/null && command -v promtool >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux openssh-server strace >/dev/null \
	      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) \
	      || echo "e2e-tools: apt-get failed; end-to-end tests will report it"; \
	  else echo "e2e-tools: need tmux, openssh-server, strace and promtool (not root, cannot install)"; fi; }

# The layering and style gates (docs/architecture.md), a few seconds: ruff (lint and format),
# import-linter's contracts and mypy on the domain, all configured in pyproject.toml.
LINTED := ediops screens tests bench main.py
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check --quiet $(LINTED)
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: $(STAMP) e2e-tools lint
	$(BIN)/python -m pytest -q

# The whole suite four times, the wall clock of every process pinned at each instant of
# tests/calendar/pinned.py (first minute of a month, 23:59 on 31 December, a Sunday, 03:00).
test-calendar: $(STAMP) e2e-tools
	$(BIN)/python -m tests.calendar.run all -q

bench: $(STAMP)
	$(BIN)/python -m bench --scale full

bench-quick: $(STAMP)
	$(BIN)/python -m bench --scale quick

clean:
	rm -rf $(VENV) .pytest_cache

# The Chinese catalogue (docs/languages.md): the English strings of ediops/ and screens/ are
# extracted, merged into the .po (translate the new entries there, then run this again) and
# compiled into the .mo the wheel ships. tests/i18n fails when the .mo or the .po is behind.
CATALOGUE := ediops/i18n/locale
catalogue: $(STAMP)
	$(BIN)/pybabel -q extract --no-location --sort-output -k N_ -k Binding:3 -o $(CATALOGUE)/ediops.pot ediops screens
	$(BIN)/pybabel -q update -w 120 --no-fuzzy-matching --ignore-obsolete -i $(CATALOGUE)/ediops.pot -d $(CATALOGUE) -D ediops -l zh
	sed -i '/^"POT-Creation-Date: /d' $(CATALOGUE)/zh/LC_MESSAGES/ediops.po  # no date churn: two branches merge
	$(BIN)/pybabel compile --statistics -d $(CATALOGUE) -D ediops -l zh
	rm $(CATALOGUE)/ediops.pot
