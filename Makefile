# inclusim: every target sets itself up on a fresh machine (Python 3.12 via pyenv's .python-version).
PYTHON ?= python
# test processes (pytest-xdist); each test file runs whole in one of them, so its fixtures are built once
TEST_WORKERS ?= 2
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run dashboard test test-all bench params clean clean-compiled

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/ensure-browser.sh scripts/ensure-slurm.sh
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if v==(3,12) else "inclusim needs Python 3.12 (found %d.%d); .python-version selects it through pyenv" % v)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	bash scripts/ensure-browser.sh
	bash scripts/ensure-slurm.sh
	@touch $(STAMP)

## run: the main job, a policy comparison on the built-in default office (results in outputs/policy_compare)
run: setup
	$(VENV)/bin/inclusim

## dashboard: the office leader's dashboard in a browser (prints its address; Ctrl+C stops it)
dashboard: setup
	$(VENV)/bin/inclusim dashboard

## test: the import contracts between the floors (import-linter), then the fast test suite
test: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## test-all: every test, the slow ones included
test-all: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "slow or not slow"

## bench: speed benchmark (writes docs/performance.md figures to stdout)
bench: setup
	$(VENV)/bin/inclusim bench

## params: regenerate docs/parameters.md from the config schema
params: setup
	$(VENV)/bin/inclusim params --out docs/parameters.md

## clean-compiled: remove numba's caches of the compiled rules (they are made again at the next run)
clean-compiled:
	find agents domain sim scenarios -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-compiled
	rm -rf $(VENV) outputs .pytest_cache
