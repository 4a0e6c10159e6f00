# Twee commando's doen alles: `make demo` (voorbeeldronde) en `make test` (lint, lagen + tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo plan-demo test lint format bench bench-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.geinstalleerd: pyproject.toml setup.py | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml setup.py $(VENV)/.geinstalleerd
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: maak de omgeving, installeer en voer de voorbeeldronde uit
demo: $(VENV)/.geinstalleerd
	mkdir -p uitvoer
	$(BIN)/allocatie ronde data/voorbeeld/ronde.toml --uitvoer uitvoer/voorbeeld --overschrijf \
		--json uitvoer/voorbeeld-samenvatting.json

## plan-demo: plan flexwonen voor het voorbeeld (data/plan/plan.toml, 100 scenario's; minuten)
plan-demo: $(VENV)/.geinstalleerd
	$(BIN)/allocatie plan data/plan/plan.toml --uitvoer uitvoer/plan --overschrijf

## test: installeer de dev-extra's, controleer de stijl en draai alle tests
test: $(VENV)/.dev
	$(BIN)/ruff check allocatie tests benchmarks
	$(BIN)/mypy allocatie
	$(BIN)/lint-imports
	$(BIN)/pytest

## bench-smoke: kleine benchmarkronde (ook in CI); bench: volledige suite (met de hand, lang)
bench-smoke: $(VENV)/.geinstalleerd
	$(BIN)/python -m benchmarks.run --tier smoke

bench: $(VENV)/.geinstalleerd
	$(BIN)/python -m benchmarks.run --tier full

lint: $(VENV)/.dev
	$(BIN)/ruff check allocatie tests benchmarks
	$(BIN)/ruff format --check allocatie tests benchmarks

format: $(VENV)/.dev
	$(BIN)/ruff format allocatie tests benchmarks
	$(BIN)/ruff check --fix allocatie tests benchmarks

clean:
	rm -rf $(VENV) uitvoer .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
