# phigate: every target installs what it needs into .venv from the pinned lock file (uv.lock).
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint bench bench-text bench-media bench-web bench-publishing fmt clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed-dev: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --inexact --extra dev
	touch $@

$(VENV)/.installed-bench: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --inexact --extra dev --extra bench
	touch $@ $(VENV)/.installed-dev

run: $(VENV)/.installed-dev
	$(VENV)/bin/phigate serve --demo

test: $(VENV)/.installed-dev
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

fmt: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

bench: bench-text

bench-text: $(VENV)/.installed-bench
	$(PY) bench/text_scanner.py

# The media benchmark needs only the dev extra (scikit-image, segno); the bench extra is for Presidio.
bench-media: $(VENV)/.installed-dev
	$(PY) bench/media_scanner.py --json bench/results/media.json

bench-web: $(VENV)/.installed-dev
	$(PY) bench/web_load.py

# Starts the local Bluesky PDS from tests/pds (npm ci there on first use).
bench-publishing: $(VENV)/.installed-dev
	$(PY) bench/publishing.py --json bench/results/publishing.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
