# Two commands from a fresh clone: `make serve` and `make test`.
# Everything else (virtualenv, pinned packages, chromium for the browser tests) is set up here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: serve test build check clean lint system-deps

# Re-create the virtualenv when it is missing, broken or its requirements changed.
$(STAMP): requirements.txt
	@if ! $(BIN)/python -c "" 2>/dev/null; then rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

serve: $(STAMP)
	$(BIN)/invoke livereload

build: $(STAMP)
	$(BIN)/invoke build

check: $(STAMP)
	$(BIN)/invoke check

# What the browser tests need and a fresh Debian machine lacks: chromium.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq chromium; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf output .build-* .pytest_cache
