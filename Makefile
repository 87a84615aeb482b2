# `make run` and `make test` do all set-up on a fresh machine: they create .venv and install
# ScamGuard with its test extras the first time (and again whenever pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench previews clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/scamguard

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/scamguard signatures validate
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/identify_names.py
	$(BIN)/python benchmarks/live_guard.py
	$(BIN)/python benchmarks/tray.py

# The warning as a person sees it, for the README and for ISPs to compare against.
previews: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider talktalk --out docs/images/warning-talktalk.png
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider generic-uk --out docs/images/warning-generic-uk.png
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider talktalk --page question --out docs/images/warning-talktalk-question.png

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
