# Two entry points for people: `make run` and `make test`. Everything else supports them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint typecheck pytest locales locales-extract locales-compile demo bench clean

run: setup
	$(BIN)/python -m bot

test: setup lint typecheck pytest

setup: $(STAMP) locales-compile

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy bot handlers services storage tests bench

pytest:
	$(BIN)/pytest -q

# Catalogs: the .pot and .po files are committed; the .mo files are built here.
locales-extract:
	$(BIN)/pybabel extract -F babel.cfg -k _ -k __ -k N_ -k pgettext:1c,2 -k ngettext:1,2 --no-location --sort-output --project=qamqor -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

# Each .mo is rebuilt only when its .po changed (make run stays quiet otherwise).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

locales-compile: $(MO_FILES)

locales/%.mo: locales/%.po | $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ --statistics

demo: setup
	$(BIN)/python -m bot demo

bench: setup
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.outbox

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
	find locales -name '*.mo' -delete
