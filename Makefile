# The two commands: `make run` (set up and serve) and `make test` (set up and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint audit demo clean

# A new venv carries the pip and setuptools bundled with Python, often releases with known
# vulnerabilities (the audit finds them), so they are brought up to date first.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/workshop db upgrade
	$(BIN)/workshop serve --host $(HOST) --port $(PORT)

demo: $(VENV)/.installed-run
	$(BIN)/workshop db upgrade
	$(BIN)/workshop demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

# Known vulnerabilities in every installed distribution (needs PyPI; see .ci/audit.py).
audit: $(VENV)/.installed-test
	$(BIN)/python .ci/audit.py

clean:
	rm -rf $(VENV) .pytest_cache
