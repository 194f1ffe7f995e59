# Two commands do all the set-up (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'

# Build a store from the seed passages, check the seed article, print verdicts, write demo/report.md.
demo: install
	$(BIN)/factcheck demo --dir demo

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench.check_seed

clean:
	rm -rf demo .pytest_cache .hypothesis
