# Two commands set everything up: `make serve` (build and serve the site) and `make test`.
# Both create the virtual environment and node_modules from the lock files themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stages of set-up: what building and serving need (requirements.lock, plotly.js), and the
# test tools on top (requirements-test.lock, npm devDependencies). `make serve` installs only the first.
UV_STAMP := $(VENV)/.installed-uv
PY_STAMP := $(VENV)/.installed-build
PY_TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := node_modules/.installed-build
NODE_TEST_STAMP := node_modules/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000
BASE ?= HEAD
export NO_MKDOCS_2_WARNING := 1

# Values given to make (`make diff BASE=…`) are untrusted: a recipe takes each one unexpanded
# ($(value …), so "$(shell …)" is text) and single-quoted, so the shell sees one word and runs
# nothing in it. Python then checks it (BASE must be a commit, VERSION a semantic version).
# Not exported either: make would expand them to put them in a recipe's environment.
arg = '$(subst ','\'',$(value $(1)))'
unexport BASE VERSION DRY_RUN HOST PORT

.PHONY: help install install-test validate build serve test check bench diff lock paragraphs clean release

help:
	@echo "make serve     build the site and serve it on http://$(HOST):$(PORT)/ (rebuilds on every edit)"
	@echo "make test      run every test (creates .venv and node_modules first)"
	@echo "make check     the fast loop: lint, the validator, unit and data tests (no site, browser or clone)"
	@echo "make validate  check the data package; prints FILE:LINE: FIELD: message for each problem"
	@echo "make build     build the site into site/"
	@echo "make diff BASE=<rev>  data changes since a git revision"
	@echo "make bench     benchmarks (prints numbers)"
	@echo "make release VERSION=X.Y.Z [DRY_RUN=1]  commit and tag a data release (pushes nothing)"

# pip installs only the installer, uv, pinned by hash like everything else; uv then installs the
# locked wheels several times faster than pip. It never fetches a Python. It compiles the bytecode
# as pip does: without it every process of a test run (builds, validator runs) compiles its imports anew.
UV := UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --compile-bytecode

$(UV_STAMP): requirements-uv.lock
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.lock
	@touch $@

$(PY_STAMP): $(UV_STAMP) requirements.lock pyproject.toml
	$(UV) --require-hashes -r requirements.lock
	$(UV) --no-build-isolation -e .
	@touch $@

$(PY_TEST_STAMP): $(PY_STAMP) requirements-test.lock
	$(UV) --require-hashes -r requirements-test.lock
	@touch $@

$(NODE_STAMP): package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	@touch $@

# npm ci starts from an empty node_modules: the full install stands for both stamps.
$(NODE_TEST_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP) $@

# The Python and the Node set-ups side by side: npm waits on the network while uv compiles.
install:
	@$(MAKE) --no-print-directory -s -j2 $(PY_STAMP) $(NODE_STAMP)

install-test:
	@$(MAKE) --no-print-directory -s -j2 $(PY_TEST_STAMP) $(NODE_TEST_STAMP)

validate: $(PY_STAMP)
	$(BIN)/python -m scripts.intake.validate

build: install
	$(BIN)/mkdocs build --strict

serve: install
	$(BIN)/mkdocs serve --strict --dev-addr $(call arg,HOST):$(call arg,PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The inner loop: the tests marked unit or data (tests/conftest.py gives each test its layer). The
# tests of make, the release and the diff tools in git clones (`tool`) run in `make test`. Test by
# test to either core (`--dist load`): these tests share nothing costly by module, and whole modules
# dealt out (pyproject's loadscope) could leave one core idle for the last module's seconds.
check: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m scripts.intake.validate
	$(BIN)/python -m pytest -m "not build and not browser and not tool" --hypothesis-profile=check --dist load

bench: install-test
	$(BIN)/python -m tools.bench

diff: $(PY_STAMP)
	$(BIN)/python -m tools.diff -- $(call arg,BASE)

paragraphs: $(PY_STAMP)
	$(BIN)/python -m scripts.intake.annex_text > datapackage/data/paragraphs.csv.new
	mv datapackage/data/paragraphs.csv.new datapackage/data/paragraphs.csv

release: $(PY_STAMP)
	$(BIN)/python -m tools.release $(if $(value DRY_RUN),--dry-run) -- $(call arg,VERSION)

# Maintainers only: re-resolve the pins after changing pyproject.toml or package.json.
lock: $(UV_STAMP)
	$(BIN)/uv pip compile pyproject.toml requirements.in --generate-hashes --python-version 3.11 --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml requirements.in --extra test -c requirements.lock --generate-hashes --python-version 3.11 --no-header -o requirements-test.lock
	$(BIN)/uv pip compile requirements-uv.in --generate-hashes --python-version 3.11 --no-header -o requirements-uv.lock
	sed -i '1i # The installer, pinned with hashes: pip installs uv, and uv installs the other lock files. Regenerate with `make lock`; never edit by hand.' requirements-uv.lock
	sed -i '1i # Exact pins with hashes for building and serving the site (make serve, make build). Regenerate with `make lock`; never edit by hand.' requirements.lock
	sed -i '1i # Exact pins with hashes for building and testing: everything in requirements.lock, plus the test tools. Regenerate with `make lock`; never edit by hand.' requirements-test.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf site .venv node_modules .pytest_cache
