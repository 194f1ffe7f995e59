# Two commands do all the set-up (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test bench clean browser screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .

# torch first, pinned exactly: that takes the CPU build here (a looser spec pulls a multi-GB CUDA build).
install-test: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'

# Build a store from the seed passages, check the seed article, print verdicts, write demo/report.md.
demo: install
	$(BIN)/factcheck demo --dir demo

# Debian's chromium for the review app's browser tests (Playwright's own browser download fails here).
# Idempotent: does nothing when /usr/bin/chromium exists; without root or apt the browser tests skip with the reason.
browser:
	@test -x /usr/bin/chromium || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "make browser: could not install chromium; the browser tests will be skipped"

test: install-test browser
	$(BIN)/python -m pytest

# The docs' screenshot of the review app, taken by the browser test from the current code.
screenshots: install-test browser
	REVIEW_SCREENSHOT=docs/review-claim-page.png $(BIN)/python -m pytest -q tests/test_review_browser.py

bench: install
	$(BIN)/python -m bench.check_seed

clean:
	rm -rf demo .pytest_cache .hypothesis
