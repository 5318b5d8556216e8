# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/clausegen validate
	$(BIN)/clausegen build profiles/*.yaml --out output

# Static checks first: they are quick and name the line.
check: $(STAMP)
	$(BIN)/ruff check clausegen tests scripts benchmarks
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output/*/
