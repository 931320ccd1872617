# Each target sets itself up: the first run creates .venv and installs the
# project with its development tools; later runs reuse it (reinstalling when
# pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

TOOLS_STAMP := tools/node_modules/.installed

.PHONY: demo test quick lint typecheck unit bench generate clean tools pythons

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

## demo: run campaign-lint on the bundled example repository (exit 1 = findings, as intended)
demo: $(STAMP)
	@cd examples && ../$(BIN)/campaign-lint check; code=$$?; \
	  echo ""; echo "campaign-lint exited with $$code (0: clean, 1: findings that fail the policy, 2: could not run)"; \
	  test $$code -le 1

## test: the whole suite (lint, format, types, tests); CI runs exactly this
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) tools
	$(BIN)/python -m pytest -q

## tools: the npm tools the external tests run as their real consumers (yaml-language-server, Microsoft's SARIF validator sarif-multitool), from
## tools/package-lock.json into tools/node_modules; without npm the tests that need them say so
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: the tests that run npm tools (tools/package.json) are skipped (they fail under CI=true)"; \
	fi

## pythons: the fast tests on each other supported Python that is installed (python3.12, python3.13 that run, on PATH or under pyenv), each in its own .venv-3.x; one not found is skipped with a message
PYTHONS ?= 3.12 3.13
pythons:
	@for version in $(PYTHONS); do \
	  python=""; \
	  for candidate in $$(command -v python$$version) $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$version*/bin/python$$version 2>/dev/null); do \
	    if [ -z "$$python" ] && "$$candidate" -c "" 2>/dev/null; then python=$$candidate; fi; \
	  done; \
	  if [ -z "$$python" ]; then echo "make pythons: Python $$version is not installed; skipped"; continue; fi; \
	  echo "make pythons: Python $$version ($$python)"; \
	  $(MAKE) --no-print-directory quick PYTHON=$$python VENV=.venv-$$version || exit 1; \
	done

## quick: the fast inner loop: the tests not marked slow or external (no lint, no types); `make test` runs them all
quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not external"

## bench: benchmark campaign-lint against yamllint, check-jsonschema and Spectral on a 10,000-file corpus
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py --sizes 10000 --peers

## generate: rewrite the committed generated files (docs/rules.md, schemas/*.schema.json, the `rules` snapshot)
generate: $(STAMP)
	$(BIN)/campaign-lint rules --format markdown > docs/rules.md
	$(BIN)/campaign-lint schema campaign > schemas/campaign.schema.json
	$(BIN)/campaign-lint schema policy > schemas/policy.schema.json
	$(BIN)/campaign-lint schema policy-test > schemas/policy-test.schema.json
	UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/cli/test_commands.py -k test_rules_table

clean:
	rm -rf $(VENV) .venv-3.* build dist .mypy_cache .ruff_cache .pytest_cache bench/corpus tools/node_modules
